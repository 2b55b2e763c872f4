import time
from tests.browser.accessibility import check_accessibility
def test_debug(page, signed_in, offices):
    t = time.monotonic()
    signed_in("caseworker"); t1 = time.monotonic()
    page.goto(f"/{offices.first.slug}/statistikk"); t2 = time.monotonic()
    check_accessibility(page); t3 = time.monotonic()
    page.goto(f"/{offices.first.slug}/henvendelser"); t4 = time.monotonic()
    check_accessibility(page); t5 = time.monotonic()
    print("signin %.2f goto %.2f axe %.2f goto %.2f axe %.2f" % (t1-t, t2-t1, t3-t2, t4-t3, t5-t4))
