// zonectl tsig-keygen: a new random TSIG key (RFC 8945), for zoned's config
// and for the peers that share it.
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <string>
#include <vector>

#include "args.hpp"
#include "command.hpp"
#include "dns/encoding.hpp"
#include "dns/name.hpp"
#include "json.hpp"

namespace zoned::ctl {

const std::string_view kTsigKeygenHelp =
    "NAME\n"
    "    zonectl tsig-keygen - generate a TSIG key\n"
    "\n"
    "SYNOPSIS\n"
    "    zonectl tsig-keygen [--algorithm ALGORITHM] [--json] NAME\n"
    "\n"
    "DESCRIPTION\n"
    "    Prints a new TSIG key (RFC 8945) named NAME: a secret of as many random\n"
    "    bytes as the algorithm's digest (32 for hmac-sha256, 48 for\n"
    "    hmac-sha384, 64 for hmac-sha512; RFC 8945 section 6 asks for at least\n"
    "    the digest length) from OpenSSL's random generator, in base64. It is\n"
    "    printed twice: as a YAML entry for the keys: section of zoned's config,\n"
    "    and as a key statement for BIND's named.conf (Knot DNS takes the same\n"
    "    name, algorithm and secret in its key: section). NAME is a domain name,\n"
    "    e.g. transfer.example.com; both ends must use the same name.\n"
    "\n"
    "    The secret is printed on standard output: redirect it to a file only\n"
    "    the server's user can read. No daemon is needed.\n"
    "\n"
    "OPTIONS\n"
    "    --algorithm ALGORITHM\n"
    "              hmac-sha256 (the default), hmac-sha384 or hmac-sha512.\n"
    "    --json    print {\"name\", \"algorithm\", \"secret\"} instead.\n"
    "    -h, --help\n"
    "              print this help.\n"
    "\n"
    "EXIT STATUS\n"
    "    0 a key was printed, 1 no random bytes could be had, 2 usage error\n"
    "    (an unknown algorithm, a NAME that is not a domain name).\n"
    "\n"
    "EXAMPLES\n"
    "    zonectl tsig-keygen transfer.example.com > transfer.key\n"
    "    zonectl tsig-keygen --algorithm hmac-sha512 --json xfr | jq -r .secret\n";

namespace {

struct Algorithm {
  std::string_view name;
  std::size_t secret_bytes;  // the digest length
};
constexpr std::array<Algorithm, 3> kAlgorithms = {{
    {"hmac-sha256", 32},
    {"hmac-sha384", 48},
    {"hmac-sha512", 64},
}};

const CommandSpec kSpec{"tsig-keygen",
                        "usage: zonectl tsig-keygen [--algorithm ALGORITHM] [--json] NAME",
                        kTsigKeygenHelp};

}  // namespace

int run_tsig_keygen(std::span<const std::string_view> args) {
  bool json = false;
  std::string_view algorithm_name = kAlgorithms[0].name;
  const Flag flags[] = {{"--json", &json}};
  const ValueOption options[] = {{"-a", "--algorithm", &algorithm_name}};
  std::vector<std::string_view> positional;
  if (auto exit = parse_args(kSpec, args, flags, positional, options)) return *exit;
  if (positional.size() != 1) return usage_error(kSpec, "give one key NAME");
  const Algorithm* algorithm = nullptr;
  for (const auto& a : kAlgorithms)
    if (a.name == algorithm_name) algorithm = &a;
  if (algorithm == nullptr)
    return usage_error(kSpec, "unknown algorithm '" + std::string(algorithm_name) +
                                  "' (hmac-sha256, hmac-sha384 or hmac-sha512)");
  const dns::Name root;
  const std::string name(positional[0]);
  // Plain host-name characters only: the name is quoted in YAML and named.conf.
  const bool plain = std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
  });
  if (!plain) return usage_error(kSpec, "a key NAME has letters, digits, '.', '-' and '_' only");
  if (auto parsed = dns::Name::parse(name, &root); !parsed)
    return usage_error(kSpec, "'" + name + "' is not a domain name: " + parsed.error());

  std::vector<std::uint8_t> secret(algorithm->secret_bytes);
  if (RAND_bytes(secret.data(), static_cast<int>(secret.size())) != 1) {
    std::fputs("zonectl tsig-keygen: OpenSSL could not provide random bytes\n", stderr);
    return kExitFailure;
  }
  std::string secret_text;
  dns::base64_encode(secret, secret_text);

  std::string out;
  if (json) {
    JsonWriter w;
    w.begin_object();
    w.key("name").value(name);
    w.key("algorithm").value(algorithm->name);
    w.key("secret").value(secret_text);
    w.end_object();
    out = w.str() + "\n";
  } else {
    const std::string algo(algorithm->name);
    out = "# zoned: an entry of the keys: section of zoned.yaml\n"
          "keys:\n"
          "  - name: " + name + "\n"
          "    algorithm: " + algo + "\n"
          "    secret: " + secret_text + "\n"
          "\n"
          "# BIND named.conf (Knot DNS: the same name, algorithm and secret)\n"
          "key \"" + name + "\" {\n"
          "\talgorithm " + algo + ";\n"
          "\tsecret \"" + secret_text + "\";\n"
          "};\n";
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitOk;
}

}  // namespace zoned::ctl
