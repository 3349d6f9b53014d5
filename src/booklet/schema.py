"""The content schema, declared once: every file under ``source/`` and every field."""

from __future__ import annotations

from . import limits
from .fields import AssetPath, Cmyk, Integer, Isbn, ListOf, MapOf, Nested, OneOf, Record, Srgb, Text, WishKey

SLUG = r"[a-z0-9]+(-[a-z0-9]+)*"


def bullets(doc: str, **kw) -> ListOf:
    return ListOf(doc, Text("One bullet point."), **kw)


class BackCover(Record):
    question = Text("The blurb's opening question, set large.")
    paragraphs = bullets("The blurb's paragraphs after the question.")
    publishers = Text("The closing line naming who stands behind the booklet.")


class LetterLabels(Record):
    salutation = Text("The leaders' greeting, «Kære chef!».")
    lead = Text("The words that lead into the wish, «Vi har brug for, at …».")
    implies = Text("Label over the bullets on what the wish implies.")
    could_do = Text("Label over the bullets on what the chef could do.")
    risks = Text("Label over the bullets on what is at risk.")


class ReplyLabels(Record):
    salutation = Text("The chef's greeting, «Kære ledere!».")
    lead = Text("The words that lead into the reply's title, «Jeg forstår jeres behov».")
    tries = Text("Label over the bullets on how the chef tries to meet the wish.")
    dilemmas = Text("Label over the bullets on why it is not always easy.")
    expectations = Text("Label over the bullets on what the chef expects in return.")


class QuoteLabels(Record):
    """What a screen reader calls a side's column of interview quotes: a landmark, named
    uniquely on the page; ``{number}`` stands for the wish's number."""

    letter = Text("The leaders' quotes, «Citater fra lederne, ønske {number}».", pattern=r".*\{number\}.*")
    reply = Text("The chef's quotes, «Citater fra chefen, ønske {number}».", pattern=r".*\{number\}.*")


class NavigationLabels(Record):
    """Words of the web page's and the e-book's navigation and metadata, not of the booklet's text."""

    contents = Text("Heading of the table of contents, «Indhold».")
    skip = Text("The web page's link past the cover and contents to the text, «Gå til teksten».")
    quotes = Nested("The names of a wish's two quote columns.", QuoteLabels)
    pages = Text("Name of the e-book's list of the print edition's pages (its page-list), «Sider».")
    summary = Text("The e-book's accessibility summary (schema:accessibilitySummary): how it can be read.")


class PageLabels(Record):
    """Words of the pages around the wishes that the booklet's text does not hold."""

    notes = Text("Heading of a page left for the reader's notes, «Noter» (only where an edition's plan "
                 "has room to fill).")
    isbn = Text("What the colophon calls the ISBN, «ISBN».")
    printer = Text("What the colophon calls the print shop, «Tryk».")
    numbers = ListOf("The count words from one to nine («ét», «to», … «ni»): the guide names the wishes "
                     "an edition holds with them.", Text("A count word."), minimum=9, maximum=9)
    one_wish = Text("The guide's words for an edition of one wish, in place of «de seks tydeligste "
                    "ønsker», e.g. «ét af de tydeligste ønsker».")


class Labels(Record):
    letter = Nested("Labels of the leaders' letter page.", LetterLabels)
    reply = Nested("Labels of the chef's reply page.", ReplyLabels)
    navigation = Nested("Labels of the web page's and the e-book's navigation.", NavigationLabels)
    pages = Nested("Labels of the pages around the wishes: notes, colophon, the guide's count.", PageLabels)


class Colophon(Record):
    """What the colophon prints beyond the title, publisher, year and website (all optional)."""

    isbn = Isbn("The printed booklet's ISBN-13, e.g. 978-87-00-00000-0; its check digit is checked.",
                optional=True).labelled("ISBN")
    printer = Text("The print shop's name, e.g. «Eksempel Tryk A/S».", optional=True,
                   maximum=200).labelled("Trykkeri")


class Booklet(Record):
    """``source/booklet.yaml``: metadata, back cover and the layout's section labels."""

    title = Text("The booklet's title, on the cover and in the PDF metadata.")
    subtitle = Text("The subtitle under the title on the cover.")
    language = Text("Language code of the text (BCP 47), e.g. da.", pattern=r"[a-z]{2}(-[A-Z]{2})?")
    publisher = Text("The publisher, on the cover and as the PDF's author.")
    year = Integer("Year of first publication.", minimum=1900, maximum=2100)
    website = Text("The publisher's website, without scheme.", pattern=r"[a-z0-9.-]+\.[a-z]{2,}")
    back_cover = Nested("The back cover's blurb.", BackCover)
    colophon = Nested("The colophon's optional ISBN and print shop.", Colophon, optional=True)
    labels = Nested("Section labels of a wish spread, written once for all wishes.", Labels)


class Signatory(Record):
    name = Text("The signatory's name.")
    organisation = Text("The organisation the signatory comes from.")
    role = Text("The signatory's role, e.g. Formand.")


class Signature(Record):
    organisation = Text("The organisation that signs.")
    signatories = ListOf("Who signs, in order.", Nested("A signatory.", Signatory))


class Foreword(Record):
    """``source/foreword.yaml``."""

    title = Text("The heading, «Forord».")
    lead = Text("The opening question, set as a lead.")
    paragraphs = bullets("The paragraphs of the foreword.")
    signature = Nested("Who signs the foreword.", Signature)


class Item(Record):
    title = Text("The item's title, set in bold.")
    text = Text("The text after the title.")


TEXT_BLOCK = OneOf(
    "A block of running text: a paragraph or an interview quote.",
    {"p": Text("A paragraph."), "quote": Text("An interview quote, set as a block quote.")},
)

BOX_BLOCK = OneOf(
    "A block in a box: a paragraph, bullets, or titled items.",
    {
        "p": Text("A paragraph."),
        "bullets": bullets("A bulleted list."),
        "items": ListOf("Titled items.", Nested("An item.", Item)),
    },
)


class Difference(Record):
    number = Integer("The difference's number.", minimum=1, maximum=9)
    title = Text("The difference's title.")
    text = Text("The text that explains it.")
    quote = Text("The interview quote that illustrates it.")


class Differences(Record):
    title = Text("The heading, «Fire typiske forskelle».")
    lead = Text("The paragraph that introduces the differences.")
    items = ListOf("The differences, in order.", Nested("A difference.", Difference))


class Box(Record):
    title = Text("The box's heading.")
    blocks = ListOf("The box's content.", BOX_BLOCK)


class Introduction(Record):
    """``source/introduction.yaml``: the chapter «Same same, but different!»."""

    title = Text("The chapter heading.")
    blocks = ListOf("Running text before the differences.", TEXT_BLOCK)
    differences = Nested("The typical differences between leading leaders and staff.", Differences)
    boxes = ListOf("Boxes beside the chapter: how the booklet is built, how the project ran.",
                   Nested("A box.", Box))


class Letter(Record):
    """The leaders' page of a wish spread."""

    title = Text("The wish, completing «Vi har brug for, at …».")
    implies = bullets("What the wish implies.")
    could_do = bullets("What the chef could do.")
    quotes = ListOf("Interview quotes for the side column.", Text("A quote."), maximum=4)
    risks = bullets("What the leaders risk otherwise.")


class Reply(Record):
    """The chef's page of a wish spread."""

    title = Text("The need, completing «Jeg forstår jeres behov …».")
    tries = bullets("How the chef tries to meet the wish.")
    dilemmas = bullets("Why it is not always as easy as it sounds.")
    quotes = ListOf("Interview quotes for the side column.", Text("A quote."), maximum=4)
    expectations = bullets("What the chef expects of the leaders.")


class Wish(Record):
    """``source/wishes/<number>-<slug>.yaml``: one wish and its answer."""

    number = Integer("The wish's number, 1 to 6, its place in the booklet.", minimum=1, maximum=9)
    slug = Text("A stable name for links and file names, e.g. strategisk-retning.", pattern=SLUG,
                maximum=limits.SLUG_CHARS)
    letter = Nested("The leaders' letter to their chef (left page).", Letter)
    reply = Nested("The chef's reply to the leaders (right page).", Reply)


class Member(Record):
    name = Text("The board member's name.")
    position = Text("Their position, e.g. sekretariatschef.")
    organisation = Text("Their organisation.")
    role = Text("Their role on the board, where they have one.", optional=True)


class Board(Record):
    title = Text("The line introducing the board.")
    members = ListOf("The board members, in order.", Nested("A member.", Member))


class About(Record):
    title = Text("The heading, «Om Væksthus for Ledelse».")
    paragraphs = bullets("About the publisher.")
    board = Nested("The publisher's board.", Board)


class Offers(Record):
    title = Text("The heading, «Andre tilbud fra Væksthus for Ledelse».")
    items = ListOf("The other offers, each with title and description.", Nested("An offer.", Item))
    closing = Text("The closing line.")


class BackMatter(Record):
    """``source/back-matter.yaml``."""

    about = Nested("About the publisher and its board.", About)
    offers = Nested("The publisher's other offers.", Offers)


class Hyphenation(Record):
    """``source/hyphenation.yaml``: the exceptions to Danish hyphenation (hyphenate.py), as a
    typesetter's user dictionary. Used by every output; the typography report checks the
    PDF's breaks against it."""

    breaks = ListOf("Words with the only places they may break, marked by hyphens: compounds at "
                    "their joint (kerne-opgave); an entry covers its inflected forms (kerneopgaven).",
                    Text("A word with its breaks.", pattern=r"[^\W\d_]+(-[^\W\d_]+)+"), optional=True)
    never = ListOf("Words and names never hyphenated (Væksthus, Danske Regioner).",
                   Text("A word or a name.", pattern=r"[^\W\d_]+( [^\W\d_]+)*"), optional=True)


PALETTE_NAMES = ("ink", "leader", "leader-tint", "chef", "chef-tint", "cover", "cover-accent", "paper")
# what each colour paints, in the studio's words (Danish)
PALETTE_LABELS = {"ink": "Tekst", "leader": "Ledernes stemme", "leader-tint": "Ledernes citatbånd",
                  "chef": "Chefens stemme", "chef-tint": "Chefens citatbånd", "cover": "Omslag",
                  "cover-accent": "Omslagets accent", "paper": "Papir"}


class EditionSignatory(Record):
    name = Text("The signatory's name.").labelled("Navn")
    title = Text("Their title, e.g. Borgmester.").labelled("Titel")
    organisation = Text("Their organisation, where it is not the edition's.",
                        optional=True).labelled("Organisation")


class EditionForeword(Record):
    placement = Text("«replace» the publisher's foreword, or «precede» it.",
                     pattern=r"replace|precede").labelled("Placering")
    title = Text("The heading (default: the publisher's foreword's, «Forord»).",
                 optional=True).labelled("Overskrift")
    lead = Text("An opening question or line, set as a lead.", optional=True).labelled("Indledning")
    paragraphs = bullets("The paragraphs of the foreword.").labelled("Afsnit")
    signatories = ListOf("Who signs, in order.",
                         Nested("A signatory.", EditionSignatory)).labelled("Underskrivere")


class OrganisationPage(Record):
    title = Text("The heading, e.g. «Om Eksempel Kommune».").labelled("Overskrift")
    paragraphs = bullets("About the organisation.").labelled("Afsnit")
    contact = Text("A contact line: who, phone, e-mail.", optional=True).labelled("Kontakt")
    website = Text("The organisation's website, without scheme.", pattern=r"[a-z0-9.-]+\.[a-z]{2,}(/\S*)?",
                   optional=True).labelled("Websted")


FONT = (".ttf", ".otf")


class TypeFamily(Record):
    """An edition's own sans family. It stands for Booklet Sans on every page (two near-identical
    sans faces side by side read as a mistake), so it needs the faces running text uses; every
    page is fitted again in it."""

    name = Text("The family's name.").labelled("Skriftens navn")
    regular = AssetPath("Regular face: a file in the edition's folder, or fonts/<file>.", suffixes=FONT,
                        shared="fonts").labelled("Normal")
    italic = AssetPath("Italic face.", suffixes=FONT, shared="fonts").labelled("Kursiv")
    bold = AssetPath("Bold face.", suffixes=FONT, shared="fonts").labelled("Fed")
    semibold = AssetPath("Semibold face (default: the bold one).", suffixes=FONT, shared="fonts",
                         optional=True).labelled("Halvfed")
    bold_italic = AssetPath("Bold italic face (default: the italic one).", suffixes=FONT, shared="fonts",
                            optional=True).labelled("Fed kursiv")
    licence = AssetPath("The family's licence, shipped beside it.", suffixes=(".txt", ".md"),
                        shared="fonts").labelled("Licens")


class Edition(Record):
    """``source/editions/<slug>/edition.yaml``: an organisation's livery and its own pages."""

    name = Text("The organisation's name, printed on the cover.").labelled("Organisationens navn")
    logo = AssetPath("The organisation's logo (SVG, or PNG/JPEG at 300 dpi for its printed size), "
                     "in the edition's folder.", suffixes=(".svg", ".png", ".jpg", ".jpeg"), optional=True,
                     max_bytes=limits.LOGO_FILE_BYTES).labelled("Logo")
    colours = MapOf("Print colours (CMYK percent) replacing the palette's (layouts/palette.yaml).",
                    Cmyk("A CMYK colour."), PALETTE_NAMES, optional=True).labelled("Trykfarver")
    screen_colours = MapOf("Screen colours (#rrggbb); a colour not given here is converted from its "
                           "CMYK value through the output-intent profile.", Srgb("An sRGB colour."),
                           PALETTE_NAMES, optional=True).labelled("Skærmfarver")
    cover_line = Text("A co-publishing line for the cover, e.g. «Udgivet i samarbejde med …».",
                      optional=True).labelled("Linje på omslaget")
    foreword = Nested("The organisation's own foreword.", EditionForeword,
                      optional=True).labelled("Eget forord")
    about = Nested("A page about the organisation, the first of the back matter.", OrganisationPage,
                   optional=True).labelled("Egen side")
    type_family = Nested("The organisation's own sans family, from the edition's folder or fonts/: it "
                         "replaces Booklet Sans everywhere (running text, headings, titles); the quotes "
                         "keep Booklet Serif.", TypeFamily, optional=True).labelled("Egen skrift")
    colophon = Nested("The edition's own ISBN and print shop for the colophon (default: the booklet's).",
                      Colophon, optional=True).labelled("Kolofon")
    wishes = ListOf("Which wishes to include and in what order (numbers or slugs); default all.",
                    WishKey("A wish."), optional=True).labelled("Ønsker og rækkefølge")
