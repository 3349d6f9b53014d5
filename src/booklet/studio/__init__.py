"""`booklet studio`: a local web app in which an organisation makes its own edition, with a
live proof of its print PDF. Built on the library; no module outside this package imports it."""
