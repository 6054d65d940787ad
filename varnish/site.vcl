# docker-compose: the web replicas (compose names them practice-web-1, -2, ...) and who
# may purge. One backend line and one acl line per replica; see the README's
# "Running on several machines".
vcl 4.1;

import directors;

# A replica that fails its health check gets no visitors. The Host must be one of
# ALLOWED_HOSTS (Django refuses any other), as for the container's own health check.
probe healthz {
    .request =
        "GET /healthz/ HTTP/1.1"
        "Host: localhost"
        "Connection: close";
    .interval = 5s;
    .timeout = 2s;
    .window = 3;
    .threshold = 2;
}

backend web_1 { .host = "practice-web-1"; .port = "8000"; .probe = healthz; }
backend web_2 { .host = "practice-web-2"; .port = "8000"; .probe = healthz; }

# In parentheses: a replica that is not up while the VCL loads is skipped, not an error.
acl purgers {
    ("practice-web-1");
    ("practice-web-2");
    ("practice-worker-1");
}

sub vcl_init {
    new web = directors.round_robin();
    web.add_backend(web_1);
    web.add_backend(web_2);
}
