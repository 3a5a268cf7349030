#pragma once

#include <string>
#include <string_view>
#include <vector>

// A local edit onto the server's copy of a CalDAV resource (docs/SYNC.md,
// "What a push keeps"): what DAVx5 and evolution do, so that an edit made
// in summit does not strip what summit does not model.
namespace summit::ical {

struct MergedResource {
  std::string ics;                // what to PUT
  bool merged = false;            // false: `local` as it is (the server's copy unusable)
  std::vector<std::string> notes; // for the sync's report
};

// `server`: the resource's text as the server last had it. `base`: summit's
// own rendering (export_calendar) of the event it read from `server`.
// `local`: summit's rendering of the event now. Per VEVENT (the series and
// each RECURRENCE-ID, matched by the instant they name), each field summit
// models — SUMMARY; DTSTART/DTEND/DURATION with summit's X-SUMMIT-TZID and
// X-SUMMIT-PRECISION; STATUS with X-SUMMIT-STATUS; LOCATION; DESCRIPTION;
// CATEGORIES; RRULE/RDATE/EXDATE; the VALARMs — is taken from `local` where
// it differs from `base` (the user changed it here) and kept as the server
// has it otherwise, parameters and all. Everything else of `server` stays:
// ATTENDEE, ORGANIZER, X- and unknown properties, VTODOs and VTIMEZONEs.
// VALARMs: while the reminders are the ones summit read, every server
// VALARM stays (summit keeps 3; a 4th and 5th are kept too). When the user
// changed them, the server's VALARMs that became summit's reminders are
// replaced by the user's (first, so summit reads them back), and those
// summit never showed (past the 3, or of a kind it does not read) stay
// after them. A changed occurrence made here is added; one removed here
// (known in `base`) is removed. DTSTAMP (and LAST-MODIFIED when present)
// become `local`'s; SEQUENCE, when present, goes up by one when the times,
// the rule or the status changed. Only the VEVENTs of `local`'s UID are
// touched: another UID in the resource (a careless server) stays as it is.
// When `server` or `base` cannot be read — a NUL byte, components nested
// more than 8 deep, no VEVENT of that UID — `local` is returned with a
// note. `server` is untrusted: the cost is linear in its size (no
// property is removed one by one; libical's removal walks the list).
MergedResource merge_resource(std::string_view server, std::string_view base,
                              std::string_view local);

} // namespace summit::ical
