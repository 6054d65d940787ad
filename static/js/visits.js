/*
 * One view of this page, for the practice's private visit counts (practice/visits.py):
 * the page's id, from <body data-visit-page>, sent to the site itself with
 * navigator.sendBeacon. Nothing else is sent, nothing is stored in the browser, nothing
 * about the visitor is read, and nothing goes anywhere but this site. Quiet on failure:
 * a count is not worth an error.
 */
(function () {
    "use strict";

    var body = document.body;
    var pageId = body && body.getAttribute("data-visit-page");
    var url = body && body.getAttribute("data-visit-url");
    if (!pageId || !url || !navigator.sendBeacon) {
        return;
    }

    function send() {
        try {
            navigator.sendBeacon(url, pageId);
        } catch (error) {
            // Blocked or unsupported: the view is simply not counted.
        }
    }

    // A page the browser prepares before the visitor asks for it is counted when shown.
    if (document.prerendering) {
        document.addEventListener("prerenderingchange", send, { once: true });
    } else {
        send();
    }
})();
