#include "daemon/sync/caldav_sync.hpp"

#include "core/calendar_rules.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>
#include <sstream>

namespace summit::sync {

namespace {

constexpr std::size_t k_max_password = 4096;
// The most resources one collection may list: each is fetched and held in
// memory until the loop writes them (one transaction).
constexpr std::size_t k_max_resources = 20000;

std::string last_segment(const std::string &url) {
  std::string path = href_path(url);
  while (!path.empty() && path.back() == '/') {
    path.pop_back();
  }
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The collection to sync: the one given, or the one discovery finds.
core::Result<std::string> choose_collection(CaldavClient &client, const SyncInput &input) {
  auto found = client.discover(input.url);
  if (!found) {
    return tl::unexpected(found.error());
  }
  std::vector<CaldavCollection> events;
  for (auto &collection : *found) {
    const bool vevent = collection.components.empty() ||
                        std::find(collection.components.begin(), collection.components.end(),
                                  "VEVENT") != collection.components.end();
    if (vevent) {
      events.push_back(std::move(collection));
    }
  }
  std::string names;
  for (const auto &collection : events) {
    const std::string segment = last_segment(collection.url);
    if (!input.collection.empty() &&
        (collection.display_name == input.collection || segment == input.collection)) {
      return collection.url;
    }
    names += fmt::format("{}{}{}", names.empty() ? "" : ", ", segment,
                         collection.display_name.empty() || collection.display_name == segment
                             ? std::string()
                             : " (" + collection.display_name + ")");
  }
  if (events.empty()) {
    return core::fail(core::ErrorCode::not_found,
                      fmt::format("{} holds no calendar collection for events",
                                  core::quoted_for_message(input.url, 200)));
  }
  if (!input.collection.empty()) {
    return core::fail(core::ErrorCode::not_found,
                      fmt::format("{} has no collection {}; it has: {}",
                                  core::quoted_for_message(input.url, 200),
                                  core::quoted_for_message(input.collection, 60), names));
  }
  if (events.size() > 1) {
    return core::fail(core::ErrorCode::invalid_params,
                      fmt::format("{} holds several calendars ({}); add it again with "
                                  "--collection NAME",
                                  core::quoted_for_message(input.url, 200), names));
  }
  return events.front().url;
}

void push(CaldavClient &client, const std::string &collection_url, PushItem item, SyncOutput &out,
          std::vector<std::string> &refetch) {
  if (item.href.empty()) {
    item.href = resource_path(href_path(collection_url), item.uid);
  }
  const std::string url = CaldavClient::absolute(collection_url, item.href);
  ++out.requests;
  DavResponse response = item.kind == PushItem::Kind::remove ? client.remove(url, item.etag)
                                                             : client.put(url, item.ics, item.etag);
  if (!response.error.empty()) {
    out.error = response.error;
    return;
  }
  // The text stays: the server's copy once done (schema 013), the local
  // version of a conflict record otherwise.
  PushOutcome outcome{item, PushOutcome::Result::done, response.etag};
  if (response.status == 412 || (response.status == 404 && item.kind == PushItem::Kind::change)) {
    // Someone else changed (or removed) it: the server's version wins,
    // the local one becomes a conflict record.
    outcome.result = PushOutcome::Result::conflict;
    outcome.item.ics = item.ics;
    refetch.push_back(item.href);
  } else if (response.status == 404 && item.kind == PushItem::Kind::remove) {
    outcome.result = PushOutcome::Result::gone;
  } else if (response.status < 200 || response.status >= 300) {
    out.error = fmt::format("{} {} answered HTTP {}",
                            item.kind == PushItem::Kind::remove ? "DELETE" : "PUT",
                            core::quoted_for_message(url, 200), response.status);
    return;
  }
  out.pushed.push_back(std::move(outcome));
}

} // namespace

std::string resource_path(const std::string &collection_path, const std::string &uid) {
  std::string out = collection_path;
  if (out.empty() || out.back() != '/') {
    out += '/';
  }
  for (const unsigned char c : uid) {
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out + ".ics";
}

// The password: the file's first line. Checked again at every sync, not
// only when the calendar was added (the file may have been changed since):
// a regular file, not a link, no one but its owner may read or change it
// (a systemd credential excepted);
// at most k_max_password bytes are read, so a file swapped for a FIFO or
// /dev/zero costs nothing.
core::Result<std::string> read_password_file(const std::string &path) {
  const std::string shown = core::quoted_for_message(path, 200);
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    return core::fail(core::ErrorCode::unavailable,
                      fmt::format("cannot read the password file {}: {} (a symbolic link is "
                                  "refused; give the file itself)",
                                  shown, std::strerror(errno)));
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    return core::fail(core::ErrorCode::invalid_params,
                      fmt::format("the password file {} is not a regular file; give a file "
                                  "holding the password on its first line",
                                  shown));
  }
  // The rule calendar.add applies (calendar_set_handlers.cpp).
  const bool credential = core::is_systemd_credential(path, std::getenv("CREDENTIALS_DIRECTORY"));
  if (auto mode = core::check_password_file_mode(path, info.st_mode); !mode && !credential) {
    return tl::unexpected(mode.error());
  }
  std::string password(k_max_password + 2, '\0');
  std::size_t got = 0;
  while (got < password.size()) {
    const ssize_t n = ::read(fd, password.data() + got, password.size() - got);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    got += static_cast<std::size_t>(n);
  }
  password.resize(got);
  if (const auto newline = password.find('\n'); newline != std::string::npos) {
    password.resize(newline);
  }
  if (password.size() > k_max_password) {
    return core::fail(core::ErrorCode::invalid_params,
                      fmt::format("the password file {} has a first line longer than {} bytes",
                                  shown, k_max_password));
  }
  if (!password.empty() && password.back() == '\r') {
    password.pop_back();
  }
  return password;
}

Discovery discover_collection(const SyncInput &input, const std::function<bool()> &cancelled) {
  Discovery out;
  CaldavAccount account;
  account.user = input.user;
  account.limits = input.limits;
  if (!input.password_file.empty()) {
    auto password = read_password_file(input.password_file);
    if (!password) {
      out.error = password.error().message;
      out.refused = true;
      return out;
    }
    account.password = std::move(*password);
  }
  CaldavClient client(std::move(account), cancelled);
  auto chosen = choose_collection(client, input);
  if (!chosen) {
    out.error = chosen.error().message;
    out.refused = chosen.error().code != core::ErrorCode::unavailable;
    return out;
  }
  out.collection_url = *chosen;
  if (out.collection_url.back() != '/') {
    out.collection_url += '/';
  }
  return out;
}

namespace {

// One sync with `client`: push, then pull (run_caldav_sync, below).
SyncOutput sync_with(CaldavClient &client, const SyncInput &input) {
  SyncOutput out;
  out.collection_url = input.collection_url;
  if (out.collection_url.empty()) {
    auto chosen = choose_collection(client, input);
    if (!chosen) {
      out.error = chosen.error().message;
      return out;
    }
    out.collection_url = *chosen;
    if (out.collection_url.back() != '/') {
      out.collection_url += '/';
    }
  }
  const std::string &collection = out.collection_url;

  // Push first: a 412 then shows what the server holds, and the pull that
  // follows brings the server's version in.
  std::vector<std::string> refetch;
  for (const PushItem &item : input.pushes) {
    push(client, collection, item, out, refetch);
    if (!out.error.empty()) {
      return out;
    }
  }
  std::map<std::string, std::string> known = input.known;
  for (const auto &pushed : out.pushed) {
    if (pushed.result == PushOutcome::Result::done) {
      if (pushed.item.kind == PushItem::Kind::remove) {
        known.erase(pushed.item.href);
      } else {
        known[pushed.item.href] = pushed.etag;
      }
    } else if (pushed.result == PushOutcome::Result::gone) {
      known.erase(pushed.item.href);
    }
  }

  ++out.requests;
  auto own = client.properties(collection);
  if (!own) {
    out.error = own.error().message;
    return out;
  }
  out.ctag = own->ctag;
  // getctag changes with any change to the collection: the same one, and
  // nothing pushed, means nothing to pull (with or without a sync-token).
  if (!own->ctag.empty() && own->ctag == input.ctag && input.pushes.empty()) {
    out.unchanged = true;
    out.sync_token = input.sync_token;
    return out;
  }

  std::vector<DavEntry> listed;
  bool full = true;
  const bool tokens = !own->sync_token.empty() || !input.sync_token.empty();
  if (tokens) {
    ++out.requests;
    auto changes = client.sync_collection(collection, input.sync_token);
    if (changes && changes->invalid_token) {
      out.token_reset = true;
      ++out.requests;
      changes = client.sync_collection(collection, "");
    }
    if (!changes) {
      out.error = changes.error().message;
      return out;
    }
    out.sync_token = changes->token;
    full = input.sync_token.empty() || out.token_reset;
    listed = std::move(changes->changed);
    for (auto &href : changes->gone) {
      if (known.count(href) != 0) {
        out.gone.push_back(href);
      }
    }
  } else {
    ++out.requests;
    auto etags = client.list_etags(collection);
    if (!etags) {
      out.error = etags.error().message;
      return out;
    }
    listed = std::move(*etags);
  }
  if (listed.size() > k_max_resources) {
    out.error =
        fmt::format("{} lists {} resources; summit syncs a collection of at most {}; "
                    "nothing was pulled",
                    core::quoted_for_message(collection, 200), listed.size(), k_max_resources);
    return out;
  }
  if (full) {
    std::set<std::string> present;
    for (const auto &entry : listed) {
      present.insert(entry.href);
    }
    for (const auto &entry : known) {
      if (present.count(entry.first) == 0) {
        out.gone.push_back(entry.first);
      }
    }
  }
  std::vector<std::string> wanted;
  std::set<std::string> seen;
  for (const auto &entry : listed) {
    auto held = known.find(entry.href);
    if ((held == known.end() || held->second != entry.etag || entry.etag.empty()) &&
        seen.insert(entry.href).second) {
      wanted.push_back(entry.href);
    }
  }
  for (const auto &href : refetch) {
    if (seen.insert(href).second) {
      wanted.push_back(href);
    }
  }
  if (!wanted.empty()) {
    out.requests += (wanted.size() + 99) / 100;
    auto got = client.multiget(collection, wanted, input.progress);
    if (!got) {
      out.error = got.error().message;
      return out;
    }
    for (auto &entry : *got) {
      if (entry.status == 404 || entry.calendar_data.empty()) {
        if (known.count(entry.href) != 0 &&
            std::find(out.gone.begin(), out.gone.end(), entry.href) == out.gone.end()) {
          out.gone.push_back(entry.href);
        }
        continue;
      }
      out.fetched.push_back(std::move(entry));
    }
  }
  return out;
}

} // namespace

SyncOutput run_caldav_sync(const SyncInput &input, const std::function<bool()> &cancelled) {
  SyncOutput out;
  CaldavAccount account;
  account.user = input.user;
  account.limits = input.limits;
  account.auth = input.auth;
  if (!input.password_file.empty()) {
    auto password = read_password_file(input.password_file);
    if (!password) {
      out.error = password.error().message;
      return out;
    }
    account.password = std::move(*password);
  }
  CaldavClient client(std::move(account), cancelled);
  out = sync_with(client, input);
  out.auth = client.auth();
  return out;
}

} // namespace summit::sync
