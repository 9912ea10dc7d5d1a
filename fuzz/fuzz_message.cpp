// libFuzzer target: parse a message; if valid, re-write every record with the
// writer (decompressing rdata first, as stored zone data is), parse the result
// again and require the same records. Aborts on any disagreement.
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include "dns/message_reader.hpp"
#include "dns/message_writer.hpp"
#include "dns/rdata.hpp"

using namespace zoned::dns;

namespace {

constexpr Section kRRSections[] = {Section::Answer, Section::Authority, Section::Additional};

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_message: %s\n", what);
  std::abort();
}

bool empty_update_rdata(const RRView& rr) {
  return rr.rdata.empty() && (rr.rclass == RRClass::ANY || rr.rclass == RRClass::NONE);
}

// Uncompressed, canonical (lowercased where RFC 4034 §6.2 says) rdata of a record.
std::vector<std::uint8_t> flat_rdata(const MessageReader& r, const RRView& rr) {
  std::vector<std::uint8_t> out;
  if (rr.type == RRType::OPT || rr.type == RRType::TSIG || empty_update_rdata(rr)) {
    out.assign(rr.rdata.begin(), rr.rdata.end());  // checked by the reader, never compressed
    return out;
  }
  if (rdata_from_message(rr.type, r.message(), rr.rdata_pos,
                         static_cast<std::uint16_t>(rr.rdata.size()), out) != WireError::Ok) {
    fail("reader accepted rdata that rdata_from_message rejects");
  }
  return out;
}

// Writes the records again under a smaller limit: every add that fails must
// leave the message byte for byte as it was (RRset-atomic TC), and what was
// written must parse.
void check_truncation(const MessageReader& r1, std::size_t full_size, std::uint8_t knob) {
  static std::array<std::uint8_t, kMaxMessageSize> buf;
  static std::array<std::uint8_t, kMaxMessageSize> before;
  const std::size_t limit = kHeaderSize + (full_size - kHeaderSize) * knob / 256;
  MessageWriter w(buf, limit);
  w.set_id(r1.id());
  Name q;
  if (r1.has_question()) {
    if (r1.question_name(q) != WireError::Ok) fail("question name unreadable");
    if (!w.add_question(q, r1.qtype(), r1.qclass())) return;
  }
  for (Section s : kRRSections) {
    for (const RRView& rr : r1.section(s)) {
      Name owner;
      if (r1.owner_name(rr, owner) != WireError::Ok) fail("owner unreadable");
      const std::vector<std::uint8_t> rdata = flat_rdata(r1, rr);
      const std::size_t n = w.size();
      std::memcpy(before.data(), buf.data(), n);
      const std::uint16_t count = w.count(s);
      if (!w.add_rr(s, owner, rr.type, rr.rclass, rr.ttl, rdata)) {
        if (w.size() != n || w.count(s) != count || std::memcmp(before.data(), buf.data(), n) != 0) {
          fail("failed add changed the message");
        }
        break;
      }
      if (w.size() > limit) fail("writer went past its limit");
    }
  }
  MessageReader r2(w.message());
  if (r2.parse() != ParseError::Ok) fail("truncated message does not parse");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  MessageReader r1(std::span<const std::uint8_t>(data, size));
  if (r1.parse() != ParseError::Ok) return 0;

  static std::array<std::uint8_t, kMaxMessageSize> buf;
  MessageWriter w(buf);
  w.set_id(r1.id());
  w.set_flags(r1.flags());
  Name q;
  if (r1.has_question()) {
    if (r1.question_name(q) != WireError::Ok) fail("question name unreadable after parse");
    if (!w.add_question(q, r1.qtype(), r1.qclass())) fail("question does not fit");
  }
  for (Section s : kRRSections) {
    for (const RRView& rr : r1.section(s)) {
      Name owner;
      if (r1.owner_name(rr, owner) != WireError::Ok) fail("owner unreadable after parse");
      const std::vector<std::uint8_t> rdata = flat_rdata(r1, rr);
      // Decompression can grow a message past 64 KiB: that is not a bug.
      if (!w.add_rr(s, owner, rr.type, rr.rclass, rr.ttl, rdata)) return 0;
    }
  }

  MessageReader r2(w.message());
  if (const ParseError e = r2.parse(); e != ParseError::Ok) {
    std::fprintf(stderr, "fuzz_message: re-parse: %s\n", to_string(e));
    fail("re-written message does not parse");
  }
  if (r2.id() != r1.id() || r2.flags() != r1.flags()) fail("header changed");
  for (Section s : {Section::Question, Section::Answer, Section::Authority, Section::Additional}) {
    if (r2.count(s) != r1.count(s)) fail("count changed");
  }
  if (r1.has_question()) {
    Name q2;
    if (r2.question_name(q2) != WireError::Ok || !q2.equals_exact(q)) fail("question name changed");
    if (r2.qtype() != r1.qtype() || r2.qclass() != r1.qclass()) fail("question changed");
  }
  if (r2.has_opt() != r1.has_opt() || r2.has_tsig() != r1.has_tsig()) fail("OPT/TSIG presence changed");
  for (Section s : kRRSections) {
    auto it1 = r1.section(s).begin();
    for (const RRView& b : r2.section(s)) {
      const RRView a = *it1;
      ++it1;
      Name oa, ob;
      if (r1.owner_name(a, oa) != WireError::Ok || r2.owner_name(b, ob) != WireError::Ok) {
        fail("owner unreadable");
      }
      // Compression matches names case-insensitively, so case may move.
      if (!oa.equals_ci(ob)) fail("owner changed");
      if (a.type != b.type || a.rclass != b.rclass || a.ttl != b.ttl) fail("RR fields changed");
      std::vector<std::uint8_t> da = flat_rdata(r1, a);
      std::vector<std::uint8_t> db = flat_rdata(r2, b);
      if (da.size() != db.size()) fail("rdata length changed");
      if (!empty_update_rdata(a) && a.type != RRType::OPT && a.type != RRType::TSIG) {
        rdata_to_canonical(a.type, da);
        rdata_to_canonical(b.type, db);
      }
      if (da != db) fail("rdata changed");
    }
  }
  check_truncation(r1, w.size(), data[size - 1]);
  return 0;
}
