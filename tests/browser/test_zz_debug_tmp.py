from tests.browser.browsing import focused
def test_debug(page, signed_in, offices):
    signed_in("caseworker")
    page.goto(f"/{offices.first.slug}/henvendelser/ny")
    page.locator("#ny-received_on").focus()
    print(page.evaluate("() => { const e=document.activeElement, s=getComputedStyle(e); return [e.id, e.matches(':focus-visible'), s.outline, s.boxShadow, s.getPropertyValue('--_ds--focus'), s.getPropertyValue('--dsc-focus-outline')] }"))
    page.keyboard.press("Tab")
    print(page.evaluate("() => { const e=document.activeElement, s=getComputedStyle(e); return [e.id, e.matches(':focus-visible'), s.outline, s.boxShadow, s.getPropertyValue('--_ds--focus'), s.getPropertyValue('--dsc-focus-outline')] }"))
    page.locator("#ny-channel").focus()
    page.keyboard.press("Shift+Tab")
    print(page.evaluate("() => { const e=document.activeElement, s=getComputedStyle(e); return [e.id, e.matches(':focus-visible'), s.outline, s.boxShadow, s.getPropertyValue('--_ds--focus'), s.getPropertyValue('--dsc-focus-outline')] }"))
    print(page.locator("head").inner_html())
