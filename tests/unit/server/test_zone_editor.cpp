// zonectl transactions (ZoneEditor): one transaction per zone, zone-set /
// zone-unset / zone-diff on the pending change, commits that bump the serial,
// check the zone like a load, write master files and SQLite rows durably and
// publish, and failed commits that change nothing.
#include <doctest/doctest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "server/zones/zone_edit_record.hpp"
#include "server/zones/zone_edit_write.hpp"
#include "server/zones/zone_editor.hpp"
#include "server/zones/zone_loader.hpp"
#include "server/zones/zone_manager.hpp"
#include "zone/qsbr.hpp"
#include "zone/record_list.hpp"
#include "zone/sqlite_store.hpp"
#include "zone/zone_set.hpp"

using namespace zoned;
using namespace zoned::server;
namespace fs = std::filesystem;

namespace {

dns::Name name(std::string_view text) { return dns::Name::parse(text).value(); }

const dns::Name kZone = name("example.com.");

// A fresh directory (mkdtemp), removed at scope exit.
struct ScratchDir {
  fs::path path;
  ScratchDir() {
    std::string pattern = (fs::temp_directory_path() / "zoned-test-editor-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
};

std::string zone_text(std::uint32_t serial) {
  return "$TTL 3600\n"
         "@    SOA ns1 hostmaster " + std::to_string(serial) + " 7200 3600 1209600 300\n"
         "@    NS  ns1\n"
         "ns1  A   192.0.2.1\n"
         "www  A   192.0.2.10\n";
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

zone::RecordList parse(const std::string& text) {
  zone::ParseOptions options;
  options.origin = kZone;
  zone::RecordList records;
  const auto outcome = zone::parse_master_text(text, "test", options, records);
  REQUIRE(outcome.ok());
  records.sort();
  return records;
}

// The zone's records as "owner ttl class type rdata" lines, sorted.
std::vector<std::string> lines_of(const zone::ZoneVersion& version) {
  std::vector<std::string> out;
  const auto records = records_of(version);
  for (const auto& r : records.records()) {
    zone::DiffRecord d;
    const auto owner = records.owner_wire(r);
    d.owner.assign(owner.begin(), owner.end());
    d.type = r.type;
    d.ttl = r.ttl;
    const auto rdata = records.rdata(r);
    d.rdata.assign(rdata.begin(), rdata.end());
    out.push_back(zone::to_text(d));
  }
  return out;
}

bool has_line(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

std::vector<std::string> texts(const std::vector<zone::DiffRecord>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(zone::to_text(r));
  return out;
}

// A daemon's zone state: a zone set, its manager and the editor, with
// example.com. served from a master file or a SQLite database.
struct Served {
  ScratchDir dir;
  zone::ReclaimDomain domain;
  zone::ZoneSet zones{domain};
  ZoneManager manager{zones};
  ZoneEditor editor{manager};
  std::vector<ZoneConfig> configs;

  explicit Served(bool sqlite, std::uint32_t serial = 7) {
    ZoneConfig config;
    config.domain = kZone;
    if (sqlite) {
      config.sqlite = dir.path / "zones.db";
      REQUIRE(zone::import_zone(config.sqlite, kZone, parse(zone_text(serial))).ok());
    } else {
      config.file = dir.path / "example.com.zone";
      std::ofstream(config.file) << zone_text(serial);
    }
    configs.push_back(config);
    REQUIRE(manager.apply(configs) == 1);
    REQUIRE(version() != nullptr);
  }
  [[nodiscard]] const ZoneConfig& config() const { return configs.front(); }
  [[nodiscard]] const zone::ZoneVersion* version() const {
    const auto* z = zones.find_exact(kZone);
    return z == nullptr ? nullptr : z->current();
  }
  // The zone as its source holds it now.
  [[nodiscard]] std::unique_ptr<const zone::ZoneVersion> reloaded() const {
    auto loaded = load_zone_source(config());
    REQUIRE_MESSAGE(loaded.ok(), (loaded.ok() ? "" : loaded.error()));
    return std::move(loaded->version);
  }
};

}  // namespace

TEST_CASE("zone editor: a second zone-begin on the same zone is refused") {
  Served s(false);
  auto begun = s.editor.begin(kZone);
  REQUIRE(begun.ok());
  CHECK(begun->old_serial == 7);
  auto again = s.editor.begin(name("EXAMPLE.com."));
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().find("zone example.com. already has a transaction open (begun at ") == 0);
  CHECK(again.error().find(" UTC); commit or abort it first") != std::string::npos);
}

TEST_CASE("zone editor: commands other than zone-begin need an open transaction") {
  Served s(false);
  for (auto result : {s.editor.diff(kZone), s.editor.commit(kZone), s.editor.abort(kZone)}) {
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().find("no open transaction") != std::string::npos);
  }
  CHECK_FALSE(s.editor.set(kZone, "www2", "300", "A", "192.0.2.20").ok());
  CHECK_FALSE(s.editor.begin(name("example.org.")).ok());  // not configured
}

TEST_CASE("zone editor: set, unset and diff track the pending change") {
  Served s(false);
  REQUIRE(s.editor.begin(kZone).ok());
  auto added = s.editor.set(kZone, "www2", "300", "A", "192.0.2.20");
  REQUIRE_MESSAGE(added.ok(), (added.ok() ? "" : added.error()));
  CHECK(texts(added->added) == std::vector<std::string>{"www2.example.com. 300 IN A 192.0.2.20"});
  auto removed = s.editor.unset(kZone, "www.example.com.", "A");
  REQUIRE(removed.ok());
  CHECK(texts(removed->removed) == std::vector<std::string>{"www.example.com. 3600 IN A 192.0.2.10"});

  auto diff = s.editor.diff(kZone);
  REQUIRE(diff.ok());
  CHECK(diff->old_serial == 7);
  CHECK(diff->new_serial == 8);
  CHECK(texts(diff->removed) ==
        std::vector<std::string>{"example.com. 3600 IN SOA ns1.example.com. hostmaster.example.com. 7 7200 3600 1209600 300",
                                 "www.example.com. 3600 IN A 192.0.2.10"});
  CHECK(texts(diff->added) ==
        std::vector<std::string>{"example.com. 3600 IN SOA ns1.example.com. hostmaster.example.com. 8 7200 3600 1209600 300",
                                 "www2.example.com. 300 IN A 192.0.2.20"});

  // Unsetting an addition undoes it; re-adding a removal undoes that.
  REQUIRE(s.editor.unset(kZone, "www2", "A", "192.0.2.20").ok());
  REQUIRE(s.editor.set(kZone, "www", "3600", "A", "192.0.2.10").ok());
  diff = s.editor.diff(kZone);
  REQUIRE(diff.ok());
  CHECK(diff->removed.size() == 1);  // the SOA alone
  CHECK(diff->added.size() == 1);

  // Nothing to remove, or already there: clear errors.
  auto none = s.editor.unset(kZone, "nowhere");
  REQUIRE_FALSE(none.ok());
  CHECK(none.error() == "no records at nowhere.example.com.");
  auto no_type = s.editor.unset(kZone, "www", "AAAA");
  REQUIRE_FALSE(no_type.ok());
  CHECK(no_type.error() == "no AAAA records at www.example.com.");
  auto no_rr = s.editor.unset(kZone, "www", "A", "192.0.2.99");
  REQUIRE_FALSE(no_rr.ok());
  CHECK(no_rr.error() == "www.example.com. A 192.0.2.99 is not in the zone");
  auto twice = s.editor.set(kZone, "@", "3600", "NS", "ns1");
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error() == "example.com. NS ns1.example.com. is already in the zone");
  CHECK_FALSE(s.editor.unset(kZone, "@", "SOA").ok());
  // An empty transaction has nothing to commit.
  CHECK(s.editor.commit(kZone).error().find("changes nothing") != std::string::npos);
}

TEST_CASE("zone editor: owners outside the zone and bad rdata are rejected") {
  Served s(false);
  REQUIRE(s.editor.begin(kZone).ok());
  auto outside = s.editor.set(kZone, "www.example.org.", "300", "A", "192.0.2.1");
  REQUIRE_FALSE(outside.ok());
  CHECK(outside.error() == "owner www.example.org. is outside the zone example.com.");
  CHECK_FALSE(s.editor.unset(kZone, "example.net.").ok());

  auto bad = s.editor.set(kZone, "www2", "300", "A", "192.0.2.300");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("bad A record: ") == 0);
  CHECK(bad.error().find('\n') == std::string::npos);
  CHECK_FALSE(s.editor.set(kZone, "www2", "300", "NOTATYPE", "1").ok());
  CHECK_FALSE(s.editor.set(kZone, "www2", "300", "ANY", "1").ok());
  CHECK_FALSE(s.editor.set(kZone, "www2", "300", "A", "192.0.2.1\nevil A 192.0.2.2").ok());
  CHECK_FALSE(s.editor.set(kZone, "www2", "soon", "A", "192.0.2.1").ok());
  auto soa_elsewhere = s.editor.set(kZone, "www", "300", "SOA", "ns1 hostmaster 9 1 1 1 1");
  REQUIRE_FALSE(soa_elsewhere.ok());
  CHECK(soa_elsewhere.error().find("belongs at the zone apex") != std::string::npos);
  // None of it reached the transaction.
  auto diff = s.editor.diff(kZone);
  REQUIRE(diff.ok());
  CHECK(diff->added.size() == 1);
}

TEST_CASE("zone editor: a TTL different from its RRset's changes the whole set") {
  Served s(false);
  REQUIRE(s.editor.begin(kZone).ok());
  auto edit = s.editor.set(kZone, "www", "600", "A", "192.0.2.11");
  REQUIRE(edit.ok());
  CHECK(texts(edit->removed) == std::vector<std::string>{"www.example.com. 3600 IN A 192.0.2.10"});
  CHECK(texts(edit->added) == std::vector<std::string>{"www.example.com. 600 IN A 192.0.2.10",
                                                       "www.example.com. 600 IN A 192.0.2.11"});
  REQUIRE(s.editor.commit(kZone).ok());
  const auto lines = lines_of(*s.version());
  CHECK(has_line(lines, "www.example.com. 600 IN A 192.0.2.10"));
  CHECK(has_line(lines, "www.example.com. 600 IN A 192.0.2.11"));
}

TEST_CASE("zone editor: commit to a master file bumps the serial, rewrites the file, publishes") {
  Served s(false);
  REQUIRE(s.editor.begin(kZone).ok());
  REQUIRE(s.editor.set(kZone, "mail", "300", "MX", "10 mx.example.net.").ok());
  REQUIRE(s.editor.unset(kZone, "www").ok());
  auto done = s.editor.commit(kZone);
  REQUIRE_MESSAGE(done.ok(), (done.ok() ? "" : done.error()));
  CHECK(done->old_serial == 7);
  CHECK(done->new_serial == 8);
  CHECK(done->added.size() == 2);
  CHECK(done->removed.size() == 2);

  CHECK(s.version()->serial() == 8);
  const auto served = lines_of(*s.version());
  CHECK(has_line(served, "mail.example.com. 300 IN MX 10 mx.example.net."));
  CHECK_FALSE(has_line(served, "www.example.com. 3600 IN A 192.0.2.10"));
  // The file holds exactly the served zone, and no temporary file is left.
  CHECK(lines_of(*s.reloaded()) == served);
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(s.dir.path)) ++entries;
  CHECK(entries == 1);
  // The manager knows the file is what it serves: no needless reload.
  CHECK(s.manager.apply(s.configs) == 0);
  const auto status = s.manager.status();
  REQUIRE(status.size() == 1);
  CHECK(status[0].serial == 8u);
  CHECK(status[0].loaded_at.has_value());
  // The transaction is over.
  CHECK_FALSE(s.editor.in_transaction(kZone));
  CHECK(s.editor.begin(kZone).ok());
}

TEST_CASE("zone editor: an explicit new serial is kept, an unchanged one is bumped with wrap") {
  SUBCASE("explicit") {
    Served s(true);
    REQUIRE(s.editor.begin(kZone).ok());
    REQUIRE(s.editor.set(kZone, "@", "3600", "SOA", "ns1 hostmaster 2026113001 7200 3600 1209600 300").ok());
    auto done = s.editor.commit(kZone);
    REQUIRE_MESSAGE(done.ok(), (done.ok() ? "" : done.error()));
    CHECK(done->new_serial == 2026113001u);
    CHECK(s.version()->serial() == 2026113001u);
    CHECK(zone::read_serial(s.config().sqlite, kZone).value() == 2026113001u);
  }
  SUBCASE("SOA edited but serial left alone") {
    Served s(false);
    REQUIRE(s.editor.begin(kZone).ok());
    REQUIRE(s.editor.set(kZone, "@", "3600", "SOA", "ns1 hostmaster 7 7200 3600 1209600 600").ok());
    auto done = s.editor.commit(kZone);
    REQUIRE(done.ok());
    CHECK(done->new_serial == 8);
    CHECK(has_line(lines_of(*s.version()),
                   "example.com. 3600 IN SOA ns1.example.com. hostmaster.example.com. 8 7200 3600 1209600 600"));
  }
  SUBCASE("wrap") {
    Served s(false, 4294967295u);
    REQUIRE(s.editor.begin(kZone).ok());
    REQUIRE(s.editor.set(kZone, "www2", "300", "A", "192.0.2.20").ok());
    auto done = s.editor.commit(kZone);
    REQUIRE(done.ok());
    CHECK(done->new_serial == 0u);  // RFC 1982: 4294967295 + 1
    CHECK(s.reloaded()->serial() == 0u);
  }
  SUBCASE("an older serial fails the commit") {
    Served s(false);
    REQUIRE(s.editor.begin(kZone).ok());
    REQUIRE(s.editor.set(kZone, "@", "3600", "SOA", "ns1 hostmaster 6 7200 3600 1209600 300").ok());
    auto failed = s.editor.commit(kZone);
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.error().find("not greater") != std::string::npos);
    CHECK(s.version()->serial() == 7);
  }
}

TEST_CASE("zone editor: a commit that fails the zone checks changes nothing") {
  for (const bool sqlite : {false, true}) {
    CAPTURE(sqlite);
    Served s(sqlite);
    const auto* before = s.version();
    const fs::path source = sqlite ? s.config().sqlite : s.config().file;
    const std::string bytes = read_bytes(source);
    REQUIRE(s.editor.begin(kZone).ok());
    REQUIRE(s.editor.set(kZone, "www", "3600", "CNAME", "ns1").ok());  // CNAME beside the A
    auto failed = s.editor.commit(kZone);
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.error().find("commit of zone example.com. failed, nothing changed: ") == 0);
    CHECK(failed.error().find("CNAME") != std::string::npos);
    CHECK(s.version() == before);
    CHECK(s.version()->serial() == 7);
    CHECK(read_bytes(source) == bytes);
    CHECK(s.reloaded()->serial() == 7);
    // The transaction stays open to be fixed.
    REQUIRE(s.editor.unset(kZone, "www", "A").ok());
    auto fixed = s.editor.commit(kZone);
    REQUIRE_MESSAGE(fixed.ok(), (fixed.ok() ? "" : fixed.error()));
    CHECK(has_line(lines_of(*s.reloaded()), "www.example.com. 3600 IN CNAME ns1.example.com."));
  }
}

TEST_CASE("zone editor: commit to SQLite updates the rows and the stamp") {
  Served s(true);
  REQUIRE(s.editor.begin(kZone).ok());
  REQUIRE(s.editor.set(kZone, "www2", "300", "AAAA", "2001:db8::20").ok());
  REQUIRE(s.editor.unset(kZone, "www", "A", "192.0.2.10").ok());
  auto done = s.editor.commit(kZone);
  REQUIRE_MESSAGE(done.ok(), (done.ok() ? "" : done.error()));

  zone::RecordList rows;
  std::vector<zone::Diagnostic> diags;
  REQUIRE(zone::load_zone(s.config().sqlite, kZone, rows, diags).value() == 4);
  CHECK(diags.empty());
  CHECK(zone::read_serial(s.config().sqlite, kZone).value() == 8);
  const auto from_db = lines_of(*s.reloaded());
  CHECK(from_db == lines_of(*s.version()));
  CHECK(has_line(from_db, "www2.example.com. 300 IN AAAA 2001:db8::20"));
  CHECK_FALSE(has_line(from_db, "www.example.com. 3600 IN A 192.0.2.10"));
  // Polling sees its own serial: no reload.
  CHECK(s.manager.poll(ZoneManager::Clock::now() + std::chrono::hours(1)) == 0);
  CHECK(s.manager.apply(s.configs) == 0);
}

TEST_CASE("zone editor: a database changed by another program fails the commit, writing nothing") {
  Served s(true);
  REQUIRE(s.editor.begin(kZone).ok());
  REQUIRE(s.editor.set(kZone, "www2", "300", "A", "192.0.2.20").ok());
  // Another program bumps the zone behind zoned's back.
  REQUIRE(zone::import_zone(s.config().sqlite, kZone, parse(zone_text(9))).ok());
  auto failed = s.editor.commit(kZone);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().find("changed since it was loaded") != std::string::npos);
  CHECK(zone::read_serial(s.config().sqlite, kZone).value() == 9);
  CHECK(s.version()->serial() == 7);

  // The SQLite write itself refuses a diff whose base is not in the database.
  zone::Diff stale = zone::compute_diff(*s.version(), *s.version());
  stale.new_soa.rdata[stale.new_soa.rdata.size() - 17] += 1;  // serial + 1
  const auto rows = read_bytes(s.config().sqlite);
  auto refused = zone::apply_diff_rows(s.config().sqlite, kZone, stale);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().find("the SOA is no longer") != std::string::npos);
  CHECK(zone::read_serial(s.config().sqlite, kZone).value() == 9);
}

TEST_CASE("zone editor: a commit applies to a version reloaded since zone-begin") {
  Served s(false);
  REQUIRE(s.editor.begin(kZone).ok());
  REQUIRE(s.editor.set(kZone, "www2", "300", "A", "192.0.2.20").ok());
  // The operator edits the file; until a reload the commit refuses to overwrite it.
  std::ofstream(s.config().file) << zone_text(20) << "ftp  A 192.0.2.30\n";
  auto refused = s.editor.commit(kZone);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().find("changed since it was loaded") != std::string::npos);
  REQUIRE(s.manager.reload_zone(kZone).ok());
  auto done = s.editor.commit(kZone);
  REQUIRE_MESSAGE(done.ok(), (done.ok() ? "" : done.error()));
  CHECK(done->old_serial == 20);
  CHECK(done->new_serial == 21);
  const auto lines = lines_of(*s.reloaded());
  CHECK(has_line(lines, "ftp.example.com. 3600 IN A 192.0.2.30"));
  CHECK(has_line(lines, "www2.example.com. 300 IN A 192.0.2.20"));
}

TEST_CASE("zone editor: abort drops the change, and a removed zone drops its transaction") {
  Served s(false);
  const std::string bytes = read_bytes(s.config().file);
  REQUIRE(s.editor.begin(kZone).ok());
  REQUIRE(s.editor.set(kZone, "www2", "300", "A", "192.0.2.20").ok());
  auto dropped = s.editor.abort(kZone);
  REQUIRE(dropped.ok());
  CHECK(dropped->added.size() == 2);
  CHECK_FALSE(s.editor.in_transaction(kZone));
  CHECK(s.version()->serial() == 7);
  CHECK_FALSE(has_line(lines_of(*s.version()), "www2.example.com. 300 IN A 192.0.2.20"));
  CHECK(read_bytes(s.config().file) == bytes);

  REQUIRE(s.editor.begin(kZone).ok());
  s.manager.apply(std::vector<ZoneConfig>{});
  CHECK_FALSE(s.editor.in_transaction(kZone));
  s.manager.apply(s.configs);
  CHECK(s.editor.begin(kZone).ok());
  // Removed and added again by two reloads between commands: another zone.
  s.manager.apply(std::vector<ZoneConfig>{});
  s.manager.apply(s.configs);
  CHECK_FALSE(s.editor.in_transaction(kZone));
}

TEST_CASE("zone editor: secondary zones are not edited") {
  Served s(false);
  s.configs.front().role = ZoneRole::Secondary;
  s.manager.apply(s.configs);
  auto refused = s.editor.begin(kZone);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error() == "zone example.com. is a secondary zone; edit it on its primary");
}

TEST_CASE("zone editor: zones from several files are not edited") {
  ScratchDir dir;
  std::ofstream(dir.path / "hosts.inc") << "www A 192.0.2.10\n";
  std::ofstream(dir.path / "example.com.zone")
      << "$TTL 3600\n@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\nns1 A 192.0.2.1\n"
         "$INCLUDE " << (dir.path / "hosts.inc").string() << "\n";
  zone::ReclaimDomain domain;
  zone::ZoneSet zones{domain};
  ZoneManager manager{zones};
  ZoneEditor editor{manager};
  ZoneConfig config;
  config.domain = kZone;
  config.file = dir.path / "example.com.zone";
  REQUIRE(manager.apply(std::vector<ZoneConfig>{config}) == 1);
  auto refused = editor.begin(kZone);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().find("$INCLUDE") != std::string::npos);
}
