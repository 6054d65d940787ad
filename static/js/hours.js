/*
 * Office hours in the browser: "Open now · until 4:00 pm", this week's hours with
 * today's row marked, and the next exception, computed in the practice's time zone
 * (not the visitor's) from the schedule the page embeds in
 * <script id="opening-hours-data" type="application/json">.
 * Pages are cached whole, so the server cannot know the current time; the plain
 * table is the fallback without script. The rules mirror hours/schedule.py, and the
 * tests run both on the same cases (in node, where the DOM part does not run).
 */
(function () {
    "use strict";

    var WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December"];
    var SEARCH_DAYS = 400;
    var UPCOMING_EXCEPTION_DAYS = 30;
    var DAY_MS = 86400000;

    function seconds(hhmm) {
        var parts = hhmm.split(":").map(Number);
        return parts[0] * 3600 + parts[1] * 60 + (parts[2] || 0);
    }

    function dateValue(iso) {
        return Date.parse(iso + "T00:00:00Z");
    }

    function addDays(iso, days) {
        return new Date(dateValue(iso) + days * DAY_MS).toISOString().slice(0, 10);
    }

    function weekday(iso) {
        return (new Date(dateValue(iso)).getUTCDay() + 6) % 7; // Monday = 0
    }

    // The practice's UTC offset (seconds) at `time` (ms) from the server's table
    // ([[from ms, seconds], ..., [end ms, null]], hours/offsets.py); null outside it.
    function tableOffset(offsets, time) {
        var offset = null;
        for (var i = 0; offsets && i < offsets.length && offsets[i][0] <= time; i++) {
            offset = offsets[i][1];
        }
        return offset;
    }

    // The practice's local date (YYYY-MM-DD) and seconds since midnight at `now`. From
    // the offset table when it covers `now`: building an Intl.DateTimeFormat loads the
    // browser's time zone data, a long pause on a phone while the page loads.
    function localMoment(now, timeZone, offsets) {
        var offset = tableOffset(offsets, now.getTime());
        if (offset !== null) {
            var local = new Date(Math.floor(now.getTime() / 1000) * 1000 + offset * 1000);
            return {
                date: local.toISOString().slice(0, 10),
                seconds: local.getUTCHours() * 3600 + local.getUTCMinutes() * 60 +
                    local.getUTCSeconds()
            };
        }
        var parts = {};
        new Intl.DateTimeFormat("en-US", {
            timeZone: timeZone, hourCycle: "h23", year: "numeric", month: "2-digit",
            day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit"
        }).formatToParts(now).forEach(function (part) { parts[part.type] = part.value; });
        return {
            date: parts.year + "-" + parts.month + "-" + parts.day,
            seconds: seconds(parts.hour + ":" + parts.minute + ":" + parts.second)
        };
    }

    function exceptionOn(data, iso) {
        return data.exceptions.find(function (e) { return e.start <= iso && iso <= e.end; });
    }

    function intervalsOn(data, iso) {
        var exception = exceptionOn(data, iso);
        var intervals = exception ? exception.intervals : data.weekly[weekday(iso)];
        return intervals.slice().sort(function (a, b) { return seconds(a[0]) - seconds(b[0]); });
    }

    function statusAt(data, now) {
        var local = localMoment(now, data.timeZone, data.utcOffsets);
        var today = intervalsOn(data, local.date);
        for (var i = 0; i < today.length; i++) {
            if (seconds(today[i][0]) <= local.seconds && local.seconds < seconds(today[i][1])) {
                var until = today[i][1];
                for (var j = i + 1; j < today.length && seconds(today[j][0]) <= seconds(until); j++) {
                    if (seconds(today[j][1]) > seconds(until)) until = today[j][1];
                }
                return { isOpen: true, until: until };
            }
        }
        for (var offset = 0; offset < SEARCH_DAYS; offset++) {
            var day = addDays(local.date, offset);
            var opening = intervalsOn(data, day).find(function (interval) {
                return offset > 0 || seconds(interval[0]) > local.seconds;
            });
            if (opening) return { isOpen: false, nextDay: day, nextTime: opening[0] };
        }
        return { isOpen: false };
    }

    function formatTime(hhmm) {
        var hour = Number(hhmm.slice(0, 2));
        return (hour % 12 || 12) + ":" + hhmm.slice(3, 5) + " " + (hour < 12 ? "am" : "pm");
    }

    function formatIntervals(intervals) {
        if (!intervals.length) return "Closed";
        return intervals.map(function (i) {
            return formatTime(i[0]) + "\u2013" + formatTime(i[1]);
        }).join(", ");
    }

    // Mirrors day_text() in hours/schedule.py: "Closed (Thanksgiving)".
    function dayText(data, iso) {
        var exception = exceptionOn(data, iso);
        var text = formatIntervals(intervalsOn(data, iso));
        return exception && exception.label ? text + " (" + exception.label + ")" : text;
    }

    // Monday to Sunday of the week that holds `iso`.
    function weekOf(iso) {
        var monday = addDays(iso, -weekday(iso));
        return [0, 1, 2, 3, 4, 5, 6].map(function (offset) { return addDays(monday, offset); });
    }

    function formatDate(iso) {
        return WEEKDAYS[weekday(iso)] + ", " + MONTHS[Number(iso.slice(5, 7)) - 1] + " " +
            Number(iso.slice(8, 10));
    }

    function statusText(status, today) {
        if (status.isOpen) return "Open now \u00b7 until " + formatTime(status.until);
        if (!status.nextDay) return "Closed";
        var daysAhead = Math.round((dateValue(status.nextDay) - dateValue(today)) / DAY_MS);
        var when = daysAhead === 0 ? "today"
            : daysAhead < 7 ? WEEKDAYS[weekday(status.nextDay)] : formatDate(status.nextDay);
        return "Closed \u00b7 opens " + when + " " + formatTime(status.nextTime);
    }

    function upcomingException(data, today) {
        var horizon = addDays(today, UPCOMING_EXCEPTION_DAYS);
        return data.exceptions.find(function (e) { return e.end >= today && e.start <= horizon; });
    }

    function exceptionText(e) {
        var dates = e.start === e.end ? formatDate(e.start)
            : formatDate(e.start) + " \u2013 " + formatDate(e.end);
        var text = e.intervals.length ? dates + ": " + formatIntervals(e.intervals) : "Closed " + dates;
        return e.label ? text + " (" + e.label + ")" : text;
    }

    function markToday(row, isToday) {
        var label = row.querySelector(".hours-today-label");
        row.classList.toggle("hours-today", isToday);
        if (isToday) {
            row.setAttribute("aria-current", "date");
            if (!label) {
                label = document.createElement("span");
                label.className = "hours-today-label";
                label.textContent = "(today)";
                row.querySelector("th").append(" ", label);
            }
        } else {
            row.removeAttribute("aria-current");
            if (label) {
                var header = label.parentNode;
                label.remove();
                header.textContent = header.textContent.trim();
            }
        }
    }

    function update(data, now) {
        var today = localMoment(now, data.timeZone, data.utcOffsets).date;
        var status = statusText(statusAt(data, now), today);
        var upcoming = upcomingException(data, today);
        var week = weekOf(today);
        document.querySelectorAll("[data-opening-hours]").forEach(function (box) {
            box.querySelectorAll("[data-hours-status]").forEach(function (element) {
                element.textContent = status;
                element.hidden = false;
            });
            // A page cached last week shows this week's dates and their exceptions.
            box.querySelectorAll("tr[data-weekday]").forEach(function (row) {
                var day = Number(row.dataset.weekday);
                row.querySelector("td").textContent = dayText(data, week[day]);
                markToday(row, day === weekday(today));
            });
            box.querySelectorAll("[data-hours-exception]").forEach(function (element) {
                element.textContent = upcoming ? exceptionText(upcoming) : "";
                element.hidden = !upcoming;
            });
            box.querySelectorAll("[data-hours-exception-list]").forEach(function (list) {
                var shown = 0;
                list.querySelectorAll("[data-hours-end]").forEach(function (item) {
                    item.hidden = item.dataset.hoursEnd < today;
                    if (!item.hidden) shown++;
                });
                list.hidden = shown === 0;
            });
        });
    }

    var api = {
        localMoment: localMoment, intervalsOn: intervalsOn, statusAt: statusAt,
        statusText: statusText, upcomingException: upcomingException,
        exceptionText: exceptionText, formatIntervals: formatIntervals, dayText: dayText,
        weekOf: weekOf, update: update
    };
    if (typeof module === "object" && module.exports) {
        module.exports = api; // node, for the tests
    } else if (typeof document !== "undefined") {
        var source = document.getElementById("opening-hours-data");
        if (source) {
            var data = JSON.parse(source.textContent);
            update(data, new Date());
            // Keep the status right on a page left open across an opening or closing.
            setInterval(function () { update(data, new Date()); }, 60000);
        }
    }
})();
