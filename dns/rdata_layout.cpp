#include "dns/rdata_layout.hpp"

namespace zoned::dns {

namespace {

template <class... F>
constexpr RdataLayout layout(F... f) {
  static_assert(sizeof...(F) <= kMaxRdataFields);
  RdataLayout l;
  std::size_t i = 0;
  ((l.fields[i++] = f), ...);
  l.count = static_cast<std::uint8_t>(sizeof...(F));
  return l;
}

constexpr RdataLayout with_rule(RdataLayout l, RdataRule r) {
  l.rule = r;
  return l;
}

constexpr FieldSpec f(Field k, std::string_view name, bool optional = false) {
  return FieldSpec{k, name, optional, false};
}
constexpr FieldSpec quoted(Field k, std::string_view name) { return FieldSpec{k, name, false, true}; }

using enum Field;

constexpr RdataLayout kA = layout(f(IPv4, "address"));
constexpr RdataLayout kNS = layout(f(NameCompress, "nsdname"));
constexpr RdataLayout kMD = layout(f(NameCompress, "madname"));
constexpr RdataLayout kCNAME = layout(f(NameCompress, "cname"));
constexpr RdataLayout kSOA =
    layout(f(NameCompress, "mname"), f(NameCompress, "rname"), f(U32, "serial"),
           f(Ttl, "refresh"), f(Ttl, "retry"), f(Ttl, "expire"), f(Ttl, "minimum"));
constexpr RdataLayout kMB = layout(f(NameCompress, "madname"));
constexpr RdataLayout kMG = layout(f(NameCompress, "mgmname"));
constexpr RdataLayout kMR = layout(f(NameCompress, "newname"));
constexpr RdataLayout kPTR = layout(f(NameCompress, "ptrdname"));
constexpr RdataLayout kHINFO = layout(f(CharString, "cpu"), f(CharString, "os"));
constexpr RdataLayout kMINFO = layout(f(NameCompress, "rmailbx"), f(NameCompress, "emailbx"));
constexpr RdataLayout kMX = layout(f(U16, "preference"), f(NameCompress, "exchange"));
constexpr RdataLayout kTXT = layout(f(CharStrings, "txt-data"));
constexpr RdataLayout kRP = layout(f(NameDecompress, "mbox-dname"), f(NameDecompress, "txt-dname"));
constexpr RdataLayout kAFSDB = layout(f(U16, "subtype"), f(NameDecompress, "hostname"));
constexpr RdataLayout kX25 = with_rule(layout(f(CharString, "psdn-address")), RdataRule::X25Digits);
constexpr RdataLayout kISDN = layout(f(CharString, "isdn-address"), f(CharString, "sa", true));
constexpr RdataLayout kRT = layout(f(U16, "preference"), f(NameDecompress, "intermediate-host"));
constexpr RdataLayout kSIG =
    layout(f(Type, "type covered"), f(Algorithm, "algorithm"), f(U8, "labels"),
           f(Ttl, "original ttl"), f(Time, "signature expiration"),
           f(Time, "signature inception"), f(U16, "key tag"), f(NameDecompress, "signer's name"),
           f(Base64, "signature"));
constexpr RdataLayout kKEY = layout(f(U16, "flags"), f(U8, "protocol"), f(Algorithm, "algorithm"),
                                    f(Base64, "public key"));
constexpr RdataLayout kPX =
    layout(f(U16, "preference"), f(NameDecompress, "map822"), f(NameDecompress, "mapx400"));
constexpr RdataLayout kGPOS =
    layout(f(CharString, "longitude"), f(CharString, "latitude"), f(CharString, "altitude"));
constexpr RdataLayout kAAAA = layout(f(IPv6, "address"));
constexpr RdataLayout kLOC = layout(f(Loc, "location"));
constexpr RdataLayout kSRV = layout(f(U16, "priority"), f(U16, "weight"), f(U16, "port"),
                                    f(NameDecompress, "target"));
constexpr RdataLayout kNAPTR = with_rule(
    layout(f(U16, "order"), f(U16, "preference"), f(CharString, "flags"),
           f(CharString, "services"), f(CharString, "regexp"), f(NameDecompress, "replacement")),
    RdataRule::NaptrRegexp);
constexpr RdataLayout kKX = layout(f(U16, "preference"), f(NameDecompress, "exchanger"));
constexpr RdataLayout kCERT = layout(f(CertType, "type"), f(U16, "key tag"),
                                     f(CertAlgorithm, "algorithm"), f(Base64, "certificate"));
constexpr RdataLayout kDNAME = layout(f(NameDecompress, "target"));
constexpr RdataLayout kDS = with_rule(layout(f(U16, "key tag"), f(Algorithm, "algorithm"),
                                             f(U8, "digest type"), f(Hex, "digest")),
                                      RdataRule::DsDigestLength);
constexpr RdataLayout kSSHFP =
    with_rule(layout(f(U8, "algorithm"), f(U8, "fingerprint type"), f(Hex, "fingerprint")),
              RdataRule::SshfpDigestLength);
constexpr RdataLayout kIPSECKEY =
    layout(f(U8, "precedence"), f(U8, "gateway type"), f(Algorithm, "algorithm"),
           f(IpsecGateway, "gateway"), f(Base64, "public key", true));
constexpr RdataLayout kRRSIG =
    layout(f(Type, "type covered"), f(Algorithm, "algorithm"), f(U8, "labels"),
           f(Ttl, "original ttl"), f(Time, "signature expiration"),
           f(Time, "signature inception"), f(U16, "key tag"), f(NameCanonical, "signer's name"),
           f(Base64, "signature"));
constexpr RdataLayout kNSEC = layout(f(Name, "next domain name"), f(Bitmap, "type bit maps"));
constexpr RdataLayout kDHCID = layout(f(Base64, "digest"));
constexpr RdataLayout kNSEC3 =
    layout(f(U8, "hash algorithm"), f(U8, "flags"), f(U16, "iterations"), f(HexLen8, "salt"),
           f(Base32Len8, "next hashed owner name"), f(Bitmap, "type bit maps"));
constexpr RdataLayout kNSEC3PARAM =
    layout(f(U8, "hash algorithm"), f(U8, "flags"), f(U16, "iterations"), f(HexLen8, "salt"));
constexpr RdataLayout kTLSA = layout(f(U8, "certificate usage"), f(U8, "selector"),
                                     f(U8, "matching type"), f(Hex, "certificate association data"));
constexpr RdataLayout kOPENPGPKEY = layout(f(Base64, "public key"));
constexpr RdataLayout kCSYNC = layout(f(U32, "soa serial"), f(U16, "flags"), f(Bitmap, "type bit map"));
constexpr RdataLayout kZONEMD = with_rule(layout(f(U32, "serial"), f(U8, "scheme"),
                                                 f(U8, "hash algorithm"), f(Hex, "digest")),
                                          RdataRule::ZonemdDigestLength);
constexpr RdataLayout kWKS =
    layout(f(IPv4, "address"), f(WksProtocol, "protocol"), f(WksBitmap, "bit map"));
constexpr RdataLayout kNSAP = layout(f(NsapHex, "nsap"));
constexpr RdataLayout kNXT = layout(f(NameDecompress, "next domain name"), f(NxtBitmap, "type bit map"));
constexpr RdataLayout kA6 =
    layout(f(U8, "prefix length"), f(A6Suffix, "address suffix"), f(A6Prefix, "prefix name"));
constexpr RdataLayout kAPL = layout(f(AplItems, "apitems"));
constexpr RdataLayout kHIP = layout(f(Hip, "pk algorithm"));
constexpr RdataLayout kAMTRELAY =
    layout(f(U8, "precedence"), f(AmtType, "discovery optional"), f(AmtRelay, "relay"));
constexpr RdataLayout kHexOnly = layout(f(Hex, "data"));  // EID, NIMLOC
constexpr RdataLayout kTALINK = layout(f(Name, "previous name"), f(Name, "next name"));
constexpr RdataLayout kDOA =
    layout(f(U32, "enterprise"), f(U32, "type"), f(U8, "location"), f(CharString, "media type"),
           f(Base64OrDash, "data"));
constexpr RdataLayout kSVCB =
    layout(f(U16, "svcpriority"), f(Name, "targetname"), f(SvcParams, "svcparams", true));
constexpr RdataLayout kNID = layout(f(U16, "preference"), f(Ilnp64, "nodeid"));
constexpr RdataLayout kL32 = layout(f(U16, "preference"), f(IPv4, "locator32"));
constexpr RdataLayout kL64 = layout(f(U16, "preference"), f(Ilnp64, "locator64"));
constexpr RdataLayout kLP = layout(f(U16, "preference"), f(Name, "fqdn"));
constexpr RdataLayout kEUI48 = layout(f(Eui48, "address"));
constexpr RdataLayout kEUI64 = layout(f(Eui64, "address"));
constexpr RdataLayout kURI =
    layout(f(U16, "priority"), f(U16, "weight"),
           quoted(RemainderString, "target"));  // RFC 7553 §4.5
constexpr RdataLayout kCAA = layout(f(U8, "flags"), f(CaaTag, "tag"), f(RemainderString, "value"));

constexpr std::uint16_t n(RRType t) { return static_cast<std::uint16_t>(t); }

}  // namespace

const RdataLayout* rdata_layout(RRType type) noexcept {
  switch (static_cast<std::uint16_t>(type)) {
    case n(RRType::A): return &kA;
    case n(RRType::NS): return &kNS;
    case n(RRType::MD): return &kMD;
    case n(RRType::MF): return &kMD;
    case n(RRType::CNAME): return &kCNAME;
    case n(RRType::SOA): return &kSOA;
    case n(RRType::MB): return &kMB;
    case n(RRType::MG): return &kMG;
    case n(RRType::MR): return &kMR;
    case n(RRType::WKS): return &kWKS;
    case n(RRType::PTR): return &kPTR;
    case n(RRType::HINFO): return &kHINFO;
    case n(RRType::MINFO): return &kMINFO;
    case n(RRType::MX): return &kMX;
    case n(RRType::TXT): return &kTXT;
    case n(RRType::RP): return &kRP;
    case n(RRType::AFSDB): return &kAFSDB;
    case n(RRType::X25): return &kX25;
    case n(RRType::ISDN): return &kISDN;
    case n(RRType::RT): return &kRT;
    case n(RRType::SIG): return &kSIG;
    case n(RRType::KEY): return &kKEY;
    case n(RRType::NSAP): return &kNSAP;
    case n(RRType::PX): return &kPX;
    case n(RRType::GPOS): return &kGPOS;
    case n(RRType::AAAA): return &kAAAA;
    case n(RRType::LOC): return &kLOC;
    case n(RRType::NXT): return &kNXT;
    case n(RRType::SRV): return &kSRV;
    case n(RRType::NAPTR): return &kNAPTR;
    case n(RRType::KX): return &kKX;
    case n(RRType::CERT): return &kCERT;
    case n(RRType::A6): return &kA6;
    case n(RRType::DNAME): return &kDNAME;
    case n(RRType::APL): return &kAPL;
    case n(RRType::DS): return &kDS;
    case n(RRType::SSHFP): return &kSSHFP;
    case n(RRType::IPSECKEY): return &kIPSECKEY;
    case n(RRType::RRSIG): return &kRRSIG;
    case n(RRType::NSEC): return &kNSEC;
    case n(RRType::DNSKEY): return &kKEY;
    case n(RRType::DHCID): return &kDHCID;
    case n(RRType::NSEC3): return &kNSEC3;
    case n(RRType::NSEC3PARAM): return &kNSEC3PARAM;
    case n(RRType::TLSA): return &kTLSA;
    case n(RRType::SMIMEA): return &kTLSA;
    case n(RRType::HIP): return &kHIP;
    case n(RRType::CDS): return &kDS;
    case n(RRType::CDNSKEY): return &kKEY;
    case n(RRType::OPENPGPKEY): return &kOPENPGPKEY;
    case n(RRType::CSYNC): return &kCSYNC;
    case n(RRType::ZONEMD): return &kZONEMD;
    case n(RRType::SVCB): return &kSVCB;
    case n(RRType::HTTPS): return &kSVCB;
    case n(RRType::SPF): return &kTXT;
    case n(RRType::NID): return &kNID;
    case n(RRType::L32): return &kL32;
    case n(RRType::L64): return &kL64;
    case n(RRType::LP): return &kLP;
    case n(RRType::EUI48): return &kEUI48;
    case n(RRType::EUI64): return &kEUI64;
    case n(RRType::URI): return &kURI;
    case n(RRType::CAA): return &kCAA;
    case n(RRType::AVC): return &kTXT;
    case n(RRType::AMTRELAY): return &kAMTRELAY;
    case n(RRType::DOA): return &kDOA;
    // Types the RRType enum does not name but BIND prints in presentation form.
    case 31: return &kHexOnly;   // EID
    case 32: return &kHexOnly;   // NIMLOC
    case 56: return &kTXT;       // NINFO
    case 57: return &kKEY;       // RKEY
    case 58: return &kTALINK;    // TALINK
    case 261: return &kTXT;      // RESINFO (RFC 9606)
    case 262: return &kTXT;      // WALLET
    case n(RRType::TA): return &kDS;
    case n(RRType::DLV): return &kDS;
    default: return nullptr;
  }
}

}  // namespace zoned::dns
