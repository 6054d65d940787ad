# The HTTP cache in front of the site (see the README's "Running on several machines").
# The policy lives here; where the site is and who may purge live in site.vcl, which
# each deployment supplies (compose: varnish/site.vcl; the tests write their own) and
# which must define the director `web` and the acl `purgers`.
vcl 4.1;

import std;

include "site.vcl";

sub vcl_recv {
    set req.backend_hint = web.backend();

    # Purges come from the site itself (wagtail.contrib.frontend_cache on publish,
    # practice/front_cache.py), never from anyone else.
    if (req.method == "PURGE" || req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(405, "Not allowed"));
        }
        if (req.method == "BAN") {
            # Everything: settings, hours, the menu or a moved page can change every page.
            ban("obj.status != 0");
            return (synth(200, "Banned"));
        }
        return (purge);
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The admin, its previews and drafts, and anyone signed in (Django's session cookie)
    # or carrying a message (the messages cookie) get their own page.
    if (req.url ~ "^/admin(/|$)" || req.http.Authorization) {
        return (pass);
    }
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|messages)=") {
        return (pass);
    }
    # As the site's own page cache: only ?page= and ?tag= (the article index) are kept,
    # so that made-up query strings cannot push the real pages out.
    if (req.url ~ "\?" && req.url !~ "^[^?]*\?(page|tag)=[-a-zA-Z0-9_]{1,100}(&(page|tag)=[-a-zA-Z0-9_]{1,100})?$") {
        return (pass);
    }
    # Every other cookie (the contact form's CSRF token) means nothing to a public page,
    # and a page asked for without it is the same for every visitor.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_hash {
    # The same page whatever port the visitor typed, so that a purge names it once.
    hash_data(req.url);
    hash_data(std.tolower(regsub(req.http.host, ":[0-9]+$", "")));
    return (lookup);
}

sub vcl_backend_response {
    # Only what the site says is the same for everyone: a 200 or a permanent redirect
    # without a cookie, and nothing the site marked private (the contact form is
    # `private, no-store`). Not a 404: any made-up address gets one.
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control ~ "(private|no-store|no-cache)"
        || beresp.http.Vary ~ "\*"
        || (beresp.status != 200 && beresp.status != 301)) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # Purged on every change, so the lifetime only bounds how stale the server-rendered
    # "this week" of the office hours can get; browsers are not told to keep it at all.
    if (!beresp.http.Cache-Control) {
        set beresp.ttl = 5m;
    }
    set beresp.grace = 30s;
    return (deliver);
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Front-Cache = "hit";
    } else {
        set resp.http.X-Front-Cache = "miss";
    }
    unset resp.http.Via;
    unset resp.http.X-Varnish;
}
