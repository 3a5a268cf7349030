#include "daemon/store/caldav_store.hpp"

#include "core/calendar_rules.hpp"
#include "daemon/store/event_store.hpp"
#include "daemon/store/guarded.hpp"
#include "daemon/store/statement_use.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <fmt/format.h>

#include <set>
#include <utility>

namespace summit::store {

namespace {

struct Row {
  std::int64_t id = 0;
  std::optional<std::int64_t> event_id;
};

std::optional<Row> resource_row(SQLite::Database &db, std::int64_t calendar_id,
                                const std::string &href) {
  SQLite::Statement s(db, "SELECT id, event_id FROM caldav_resources WHERE calendar_id = ? AND "
                          "href = ?");
  s.bind(1, calendar_id);
  s.bind(2, href);
  if (!s.executeStep()) {
    return std::nullopt;
  }
  Row row;
  row.id = s.getColumn(0).getInt64();
  if (!s.getColumn(1).isNull()) {
    row.event_id = s.getColumn(1).getInt64();
  }
  return row;
}

void upsert_resource(SQLite::Database &db, std::int64_t calendar_id, const std::string &href,
                     const std::string &etag, const std::string &uid,
                     std::optional<std::int64_t> event_id, bool dirty, const std::string &ics,
                     bool skipped = false) {
  SQLite::Statement s(db, "INSERT INTO caldav_resources (calendar_id, href, etag, uid, event_id, "
                          "dirty, ics, skipped) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
                          "(calendar_id, href) DO UPDATE SET etag = excluded.etag, uid = "
                          "excluded.uid, event_id = excluded.event_id, dirty = excluded.dirty, "
                          "ics = excluded.ics, skipped = excluded.skipped");
  s.bind(1, calendar_id);
  s.bind(2, href);
  s.bind(3, etag);
  s.bind(4, uid);
  if (event_id) {
    s.bind(5, *event_id);
  } else {
    s.bind(5);
  }
  s.bind(6, dirty ? 1 : 0);
  // Bounded (schema 013): a larger resource is not kept, and an edit of it
  // is pushed as summit renders it, said in the sync's report.
  s.bind(7, ics.size() <= k_max_kept_resource ? ics : std::string());
  s.bind(8, skipped ? 1 : 0);
  s.exec();
}

void drop_resource(SQLite::Database &db, std::int64_t calendar_id, const std::string &href) {
  SQLite::Statement s(db, "DELETE FROM caldav_resources WHERE calendar_id = ? AND href = ?");
  s.bind(1, calendar_id);
  s.bind(2, href);
  s.exec();
}

const char *conflict_kind(CaldavPending::Kind kind) {
  switch (kind) {
  case CaldavPending::Kind::create:
    return "addition";
  case CaldavPending::Kind::change:
    return "edit";
  case CaldavPending::Kind::remove:
    return "removal";
  }
  return "edit";
}

} // namespace

core::Result<std::vector<CaldavPending>> CaldavStore::pending(std::int64_t id, std::size_t most,
                                                              std::size_t most_bytes) {
  std::vector<std::pair<CaldavPending, std::int64_t>> rows; // with the event id
  auto read = guarded("read a calendar's local changes", [&]() -> core::Result<void> {
    auto &db = m_events.database();
    SQLite::Statement creates(db, "SELECT e.id, e.uid, e.title FROM events e WHERE "
                                  "e.calendar_id = ? AND NOT EXISTS (SELECT 1 FROM "
                                  "caldav_resources r WHERE r.event_id = e.id) ORDER BY e.id "
                                  "LIMIT ?");
    creates.bind(1, id);
    creates.bind(2, static_cast<std::int64_t>(most));
    while (creates.executeStep()) {
      CaldavPending change;
      change.kind = CaldavPending::Kind::create;
      change.uid = creates.getColumn(1).getString();
      change.title = creates.getColumn(2).getString();
      rows.emplace_back(std::move(change), creates.getColumn(0).getInt64());
    }
    SQLite::Statement others(db, "SELECT r.event_id, r.uid, r.href, r.etag, r.ics FROM "
                                 "caldav_resources r WHERE r.calendar_id = ? AND ((r.event_id "
                                 "IS NULL AND r.skipped = 0) OR r.dirty = 1) ORDER BY r.id");
    others.bind(1, id);
    std::size_t bytes = 0;
    while (rows.size() < most && bytes < most_bytes && others.executeStep()) {
      CaldavPending change;
      const bool removed = others.getColumn(0).isNull();
      change.kind = removed ? CaldavPending::Kind::remove : CaldavPending::Kind::change;
      change.uid = others.getColumn(1).getString();
      change.href = others.getColumn(2).getString();
      change.etag = others.getColumn(3).getString();
      if (!removed) {
        change.server_ics = others.getColumn(4).getString();
        bytes += change.server_ics.size();
      }
      rows.emplace_back(std::move(change), removed ? 0 : others.getColumn(0).getInt64());
    }
    return {};
  });
  if (!read) {
    return tl::unexpected(read.error());
  }
  std::vector<CaldavPending> out;
  for (auto &[change, event_id] : rows) {
    if (event_id != 0) {
      auto event = m_events.get(event_id);
      if (!event) {
        return tl::unexpected(event.error());
      }
      change.title = event->title;
      change.event = std::move(*event);
    }
    out.push_back(std::move(change));
  }
  return out;
}

core::Result<std::int64_t> CaldavStore::pending_count(std::int64_t id) {
  return guarded("count a calendar's local changes", [&]() -> core::Result<std::int64_t> {
    SQLite::Statement s(m_events.database(),
                        "SELECT (SELECT count(*) FROM events e WHERE e.calendar_id = ?1 AND NOT "
                        "EXISTS (SELECT 1 FROM caldav_resources r WHERE r.event_id = e.id)) + "
                        "(SELECT count(*) FROM caldav_resources WHERE calendar_id = ?1 AND "
                        "((event_id IS NULL AND skipped = 0) OR dirty = 1))");
    s.bind(1, id);
    s.executeStep();
    return s.getColumn(0).getInt64();
  });
}

core::Result<std::map<std::string, std::string>> CaldavStore::known(std::int64_t id) {
  return guarded("read a calendar's resources",
                 [&]() -> core::Result<std::map<std::string, std::string>> {
                   SQLite::Statement s(m_events.database(), "SELECT href, etag FROM "
                                                            "caldav_resources WHERE "
                                                            "calendar_id = ?");
                   s.bind(1, id);
                   std::map<std::string, std::string> out;
                   while (s.executeStep()) {
                     out.emplace(s.getColumn(0).getString(), s.getColumn(1).getString());
                   }
                   return out;
                 });
}

core::Result<CaldavChange> CaldavStore::apply(const Calendar &calendar,
                                              const std::vector<CaldavPushed> &pushed,
                                              const CaldavPull &pull, bool allow_deletions,
                                              double max_share, core::SysSeconds now) {
  if (auto file = m_events.ensure_file(); !file) {
    return tl::unexpected(file.error());
  }
  CaldavChange change;
  const std::int64_t cal = calendar.id;
  // Conflicts are recorded last: a server's version that turns out to be
  // the local one (a push whose answer was lost, the server going away
  // mid-sync) is no conflict.
  std::vector<const CaldavPushed *> conflicted;
  std::set<std::string> same_as_local;
  auto record_conflicts = [&]() -> core::Result<void> {
    return guarded("record conflicts", [&]() -> core::Result<void> {
      for (const CaldavPushed *push : conflicted) {
        if (same_as_local.count(push->change.uid) != 0) {
          continue;
        }
        // The same local version refused again (a change still pending,
        // pushed at every sync while the server keeps refusing it) is the
        // conflict already recorded, not another: records grow only with
        // what the user changed.
        SQLite::Statement s(m_events.database(),
                            "INSERT INTO caldav_conflicts (calendar_id, uid, title, kind, "
                            "local_ics, created) SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE NOT EXISTS "
                            "(SELECT 1 FROM caldav_conflicts WHERE calendar_id = ?1 AND uid = ?2 "
                            "AND kind = ?4 AND local_ics = ?5)");
        s.bind(1, cal);
        s.bind(2, push->change.uid);
        s.bind(3, push->change.title);
        s.bind(4, conflict_kind(push->change.kind));
        s.bind(5, push->local_ics);
        s.bind(6, to_unix(now));
        if (s.exec() > 0) {
          ++change.conflicts;
        }
      }
      return {};
    });
  };
  auto written = m_events.write_together([&]() -> core::Result<void> {
    auto &db = m_events.database();
    // 1. What the pushes did.
    auto pushes = guarded("record pushed changes", [&]() -> core::Result<void> {
      for (const CaldavPushed &push : pushed) {
        const CaldavPending &local = push.change;
        if (push.result == CaldavPushed::Result::conflict) {
          conflicted.push_back(&push);
          if (local.kind == CaldavPending::Kind::change) {
            // The server's version, fetched in this sync, replaces it below.
            SQLite::Statement clear(db, "UPDATE caldav_resources SET dirty = 0, etag = '' WHERE "
                                        "calendar_id = ? AND href = ?");
            clear.bind(1, cal);
            clear.bind(2, push.href);
            clear.exec();
          } else if (local.kind == CaldavPending::Kind::remove) {
            drop_resource(db, cal, push.href);
          }
          continue;
        }
        ++change.pushed;
        if (local.kind == CaldavPending::Kind::remove ||
            push.result == CaldavPushed::Result::gone) {
          drop_resource(db, cal, push.href);
          continue;
        }
        // An edit made while the push was on its way is pushed next time.
        std::optional<std::int64_t> event_id;
        bool dirty = false;
        if (local.event) {
          SQLite::Statement still(db, "SELECT id FROM events WHERE id = ? AND calendar_id = ?");
          still.bind(1, local.event->id);
          still.bind(2, cal);
          if (still.executeStep()) {
            event_id = local.event->id;
            auto current = m_events.get(local.event->id);
            dirty = !current || comparable_event(*current) != push.snapshot;
          }
        }
        upsert_resource(db, cal, push.href, push.etag, local.uid, event_id, dirty, push.pushed_ics);
      }
      return {};
    });
    if (!pushes) {
      return pushes;
    }
    if (!pull.pulled) {
      return record_conflicts();
    }
    // 2. The mass-deletion guard.
    auto counted = guarded("count removals", [&]() -> core::Result<void> {
      change.held =
          db.execAndGet(fmt::format("SELECT count(*) FROM events WHERE calendar_id = {}", cal))
              .getInt64();
      for (const std::string &href : pull.gone) {
        if (auto row = resource_row(db, cal, href); row && row->event_id) {
          ++change.would_remove;
        }
      }
      return {};
    });
    if (!counted) {
      return counted;
    }
    if (!allow_deletions && change.would_remove >= k_min_guarded_removals &&
        static_cast<double>(change.would_remove) > max_share * static_cast<double>(change.held)) {
      change.guarded = true;
      return record_conflicts();
    }
    // 3. The server's resources, by href, then by UID.
    const std::set<std::string> gone_hrefs(pull.gone.begin(), pull.gone.end());
    for (const CaldavResource &resource : pull.fetched) {
      if (resource.events.empty()) {
        // No event of summit's (a VTODO...): its ETag is kept, so that it
        // is not fetched again until it changes (schema 013).
        auto recorded = guarded("record a resource", [&]() -> core::Result<void> {
          auto row = resource_row(db, cal, resource.href);
          if (row && row->event_id) {
            if (auto removed = m_events.remove(*row->event_id); !removed) {
              return removed;
            }
            ++change.removed;
          }
          upsert_resource(db, cal, resource.href, resource.etag, "", std::nullopt, false, "", true);
          return {};
        });
        if (!recorded) {
          return recorded;
        }
        continue;
      }
      for (const core::Event &fetched : resource.events) {
        core::Event event = fetched;
        event.owner_uid = calendar.owner_uid;
        std::optional<std::int64_t> held;
        auto looked = guarded("look up a resource", [&]() -> core::Result<void> {
          if (auto row = resource_row(db, cal, resource.href); row && row->event_id) {
            held = row->event_id;
          }
          return {};
        });
        if (!looked) {
          return looked;
        }
        std::optional<core::Event> current;
        if (held) {
          auto got = m_events.get(*held);
          if (!got) {
            return tl::unexpected(got.error());
          }
          if (got->uid == event.uid) {
            current = std::move(*got);
          } else if (auto gone = m_events.remove(*held); !gone) {
            return gone; // the resource now holds another UID
          }
        }
        if (!current) {
          auto same_uid = m_events.find_uid(event.uid);
          if (!same_uid) {
            return tl::unexpected(same_uid.error());
          }
          if (*same_uid) {
            auto owner = CalendarStore(m_events).of_event((*same_uid)->id);
            if (!owner) {
              return tl::unexpected(owner.error());
            }
            if (owner->id != cal) {
              change.skipped.push_back(
                  fmt::format("{} (uid {}): the UID is already in calendar '{}'; left there",
                              core::quoted_for_message(event.title, 60),
                              core::quoted_for_message(event.uid, 60), owner->name));
              continue;
            }
            current = std::move(**same_uid);
          }
        }
        if (current) {
          // The same UID under two hrefs: the first one stays the event's
          // resource; the other is listed and its ETag kept.
          std::string first;
          auto looked_twice = guarded("look up a resource", [&]() -> core::Result<void> {
            SQLite::Statement other(db, "SELECT href FROM caldav_resources WHERE calendar_id = ? "
                                        "AND event_id = ? AND href <> ? ORDER BY id");
            other.bind(1, cal);
            other.bind(2, current->id);
            other.bind(3, resource.href);
            while (other.executeStep()) {
              std::string href = other.getColumn(0).getString();
              if (gone_hrefs.count(href) == 0) {
                first = std::move(href);
                break;
              }
            }
            if (!first.empty()) {
              upsert_resource(db, cal, resource.href, resource.etag, fetched.uid, std::nullopt,
                              false, "", true);
            }
            return {};
          });
          if (!looked_twice) {
            return looked_twice;
          }
          if (!first.empty()) {
            change.skipped.push_back(fmt::format(
                "{}: the UID {} is also in {} on the server; summit keeps that first one and "
                "left this one as it is",
                core::quoted_for_message(resource.href, 200),
                core::quoted_for_message(event.uid, 100), core::quoted_for_message(first, 200)));
            break;
          }
        }
        std::int64_t event_id = 0;
        if (current) {
          event.id = current->id;
          event.created = current->created;
          event.owner_uid = current->owner_uid;
          if (comparable_event(event) == comparable_event(*current)) {
            same_as_local.insert(event.uid);
            ++change.unchanged;
          } else {
            event.updated = now;
            if (auto stored = m_events.update(event); !stored) {
              return tl::unexpected(stored.error());
            }
            ++change.updated;
          }
          event_id = current->id;
        } else {
          event.id = 0;
          event.created = now;
          event.updated = now;
          auto stored = m_events.add(std::move(event));
          if (!stored) {
            return tl::unexpected(stored.error());
          }
          if (auto put = CalendarStore(m_events).assign(stored->id, cal); !put) {
            return put;
          }
          event_id = stored->id;
          ++change.added;
        }
        auto recorded = guarded("record a resource", [&]() -> core::Result<void> {
          // A resource holds one UID: an older row naming this event goes.
          SQLite::Statement older(db, "DELETE FROM caldav_resources WHERE calendar_id = ? AND "
                                      "event_id = ? AND href <> ?");
          older.bind(1, cal);
          older.bind(2, event_id);
          older.bind(3, resource.href);
          older.exec();
          upsert_resource(db, cal, resource.href, resource.etag, fetched.uid, event_id, false,
                          resource.ics);
          return {};
        });
        if (!recorded) {
          return recorded;
        }
        break; // one UID per resource
      }
    }
    // 4. What the server no longer holds.
    for (const std::string &href : pull.gone) {
      std::optional<Row> row;
      auto looked = guarded("look up a resource", [&]() -> core::Result<void> {
        row = resource_row(db, cal, href);
        return {};
      });
      if (!looked) {
        return looked;
      }
      if (!row) {
        continue;
      }
      if (row->event_id) {
        if (auto gone = m_events.remove(*row->event_id); !gone) {
          return gone;
        }
        ++change.removed;
      }
      auto dropped = guarded("drop a resource", [&]() -> core::Result<void> {
        drop_resource(db, cal, href);
        return {};
      });
      if (!dropped) {
        return dropped;
      }
    }
    if (auto recorded = record_conflicts(); !recorded) {
      return recorded;
    }
    return guarded("record a sync", [&]() -> core::Result<void> {
      SQLite::Statement s(db, "UPDATE calendars SET collection_url = ?, sync_token = ?, ctag = ? "
                              "WHERE id = ?");
      s.bind(1, pull.collection_url);
      s.bind(2, pull.sync_token);
      s.bind(3, pull.ctag);
      s.bind(4, cal);
      s.exec();
      return {};
    });
  });
  if (!written) {
    return tl::unexpected(written.error());
  }
  return change;
}

core::Result<std::vector<CaldavConflict>> CaldavStore::conflicts(std::int64_t id) {
  return guarded("list conflicts", [&]() -> core::Result<std::vector<CaldavConflict>> {
    SQLite::Statement s(m_events.database(),
                        "SELECT k.id, c.name, k.calendar_id, k.uid, k.title, k.kind, "
                        "k.local_ics, k.created FROM caldav_conflicts k JOIN calendars c ON c.id "
                        "= k.calendar_id WHERE ?1 = 0 OR k.calendar_id = ?1 ORDER BY k.id");
    s.bind(1, id);
    std::vector<CaldavConflict> out;
    while (s.executeStep()) {
      CaldavConflict c;
      c.id = s.getColumn(0).getInt64();
      c.calendar = s.getColumn(1).getString();
      c.calendar_id = s.getColumn(2).getInt64();
      c.uid = s.getColumn(3).getString();
      c.title = s.getColumn(4).getString();
      c.kind = s.getColumn(5).getString();
      c.local_ics = s.getColumn(6).getString();
      c.created = from_unix(s.getColumn(7).getInt64());
      out.push_back(std::move(c));
    }
    return out;
  });
}

core::Result<std::int64_t> CaldavStore::conflict_count(std::int64_t id) {
  return guarded("count conflicts", [&]() -> core::Result<std::int64_t> {
    SQLite::Statement s(m_events.database(),
                        "SELECT count(*) FROM caldav_conflicts WHERE calendar_id = ?");
    s.bind(1, id);
    s.executeStep();
    return s.getColumn(0).getInt64();
  });
}

core::Result<std::optional<CaldavConflict>> CaldavStore::conflict(std::int64_t conflict_id) {
  auto all = conflicts(0);
  if (!all) {
    return tl::unexpected(all.error());
  }
  for (auto &c : *all) {
    if (c.id == conflict_id) {
      return std::optional<CaldavConflict>{std::move(c)};
    }
  }
  return std::optional<CaldavConflict>{};
}

core::Result<void> CaldavStore::drop_conflict(std::int64_t conflict_id) {
  return guarded("drop a conflict", [&]() -> core::Result<void> {
    EventStore::WriteScope transaction(m_events);
    SQLite::Statement s(m_events.database(), "DELETE FROM caldav_conflicts WHERE id = ?");
    s.bind(1, conflict_id);
    s.exec();
    transaction.commit();
    return {};
  });
}

core::Result<std::optional<core::Event>> CaldavStore::event_with_uid(std::int64_t calendar_id,
                                                                     const std::string &uid) {
  auto found = m_events.find_uid(uid);
  if (!found || !*found) {
    return found;
  }
  auto owner = CalendarStore(m_events).of_event((*found)->id);
  if (!owner) {
    return tl::unexpected(owner.error());
  }
  if (owner->id != calendar_id) {
    return std::optional<core::Event>{};
  }
  return found;
}

} // namespace summit::store
