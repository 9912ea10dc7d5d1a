"""Checks a DNSSEC answer (a reply to a query with the DO bit) the way a
validator would, with the signed test zones as trust anchors:

    zones = TrustedZones(served_signed_zones)        # SignedZone list (dnssec_zones.py)
    checked = check_signed_reply(reply, zones)       # raises ProofError
    assert checked.kind == "nxdomain" and not checked.wildcard

1. Signatures (RFC 4035 3.1.1, 5.3): every RRset in the answer and
   authority sections, and every additional RRset the zone signs, comes with
   RRSIGs, one of which verifies (dns.dnssec.validate_rrsig) with the DNSKEY
   of the zone that owns the data (the parent for a DS); RRSIG TTL = RRset
   TTL (RFC 4034 3); no RRSIG without its RRset. Unsigned: only delegation
   NS and glue (at or below a cut) and the CNAME a DNAME synthesizes (RFC
   6672 5.3.1), which must match that DNAME.
2. The answer's CNAME/DNAME chain is followed from the query name; at its
   end the reply must prove what it claims:
   - data: for every wildcard expansion (RRSIG labels field below the
     owner's label count, RFC 4035 5.3.4) no closer match exists (NSEC
     covering the owner with closest encloser = the wildcard's parent;
     NSEC3: next closer name covered, RFC 5155 8.8);
   - NXDOMAIN: the name and the wildcard at its closest encloser are
     covered (RFC 4035 3.1.3.2; RFC 5155 8.4 closest encloser proof);
   - NODATA: the name's NSEC/NSEC3 lacks the type and CNAME, or the name is
     an empty non-terminal, or a wildcard matches without the type (RFC 4035
     3.1.3.1, 3.1.3.3; RFC 5155 8.5-8.7, opt-out for DS 8.6 and for an
     empty non-terminal without an NSEC3, erratum 3441);
   - referral: the DS RRset, or proof that there is none (NSEC/NSEC3 at the
     cut with NS and without DS/SOA, or an opt-out NSEC3 covering the next
     closer name, RFC 4035 3.1.4, RFC 5155 8.9); Checked.opt_out says when a
     proof rests on opt-out (insecure), so a case can insist it does not;
   - negative answers carry the zone's SOA (signed, like everything else).

check_unsigned_reply checks the other side: without DO no DNSSEC record
but the type asked for (RFC 4035 3.1).
"""
from __future__ import annotations

import base64
import time
from dataclasses import dataclass, field
from typing import Iterable

import dns.dnssec
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.zone

RRSIG = dns.rdatatype.RRSIG
NSEC = dns.rdatatype.NSEC
NSEC3 = dns.rdatatype.NSEC3
DS = dns.rdatatype.DS
NS = dns.rdatatype.NS
SOA = dns.rdatatype.SOA
CNAME = dns.rdatatype.CNAME
DNAME = dns.rdatatype.DNAME
DNSSEC_TYPES = (RRSIG, NSEC, NSEC3, DS, dns.rdatatype.DNSKEY, dns.rdatatype.NSEC3PARAM)
NSEC3_OPT_OUT = 0x01  # RFC 5155 3.1.2.1
WILDCARD = dns.name.Name([b"*"])


class ProofError(AssertionError):
    """The reply is not what a validator accepts; the message says why."""


# ---- what the checker knows of the zones -------------------------------------

@dataclass
class ZoneFacts:
    """What a validator learns of a zone: its keys and NSEC3 parameters, and,
    from the zone file, where its cuts are and which RRsets it signs."""
    origin: dns.name.Name
    dnskey: dns.rrset.RRset
    cuts: frozenset[dns.name.Name]
    signed: frozenset[tuple[dns.name.Name, int]]
    nsec3_param: object | None  # the NSEC3PARAM rdata, None for NSEC

    @classmethod
    def load(cls, origin: str, path, dnskey: dns.rrset.RRset) -> "ZoneFacts":
        origin_name = dns.name.from_text(origin)
        zone = dns.zone.from_file(str(path), origin=origin_name, relativize=False)
        cuts, signed = set(), set()
        for name, node in zone.nodes.items():
            for rdataset in node.rdatasets:
                if rdataset.rdtype == RRSIG:
                    signed.add((name, rdataset.covers))
                elif rdataset.rdtype == NS and name != origin_name:
                    cuts.add(name)
        param = zone.get_rdataset(origin_name, dns.rdatatype.NSEC3PARAM)
        return cls(origin_name, dnskey, frozenset(cuts), frozenset(signed),
                   param[0] if param else None)

    def below_cut(self, name: dns.name.Name) -> bool:
        """At or below a delegation point: not this zone's authoritative data."""
        return any(name.is_subdomain(cut) for cut in self.cuts)


class TrustedZones:
    """The served signed zones, by origin."""

    def __init__(self, signed_zones: Iterable):
        """`signed_zones`: objects with origin, path and dnskey_rrset() (SignedZone)."""
        self.zones = {}
        for zone in signed_zones:
            facts = ZoneFacts.load(zone.origin, zone.path, zone.dnskey_rrset())
            self.zones[facts.origin] = facts

    def zone_of(self, name: dns.name.Name) -> ZoneFacts | None:
        """The deepest served zone at or above `name`."""
        for ancestor in _ancestors(name):
            if ancestor in self.zones:
                return self.zones[ancestor]
        return None

    def zone_answering(self, name: dns.name.Name, rdtype: int) -> ZoneFacts | None:
        """The zone that answers `rdtype` at `name`: the parent for a DS at a
        served child's apex (RFC 4035 3.1.4.1), else zone_of."""
        zone = self.zone_of(name)
        if rdtype == DS and zone is not None and zone.origin == name and name != dns.name.root:
            return self.zone_of(name.parent()) or zone
        return zone


def _ancestors(name: dns.name.Name):
    """`name`, its parent, ..., the root."""
    while True:
        yield name
        if name == dns.name.root:
            return
        name = name.parent()


def _types(rdata) -> set[int]:
    """The types in an NSEC/NSEC3 type bitmap (RFC 4034 4.1.2)."""
    found = set()
    for window, bitmap in rdata.windows:
        for index, octet in enumerate(bitmap):
            for bit in range(8):
                if octet & (0x80 >> bit):
                    found.add(window * 256 + index * 8 + bit)
    return found


def _name(name: dns.name.Name) -> str:
    return name.to_text()


# ---- result -----------------------------------------------------------------

@dataclass
class Checked:
    """What check_signed_reply proved. kind: "answer", "nodata", "nxdomain",
    "referral", "loop" (a CNAME loop, nothing to deny) or "left" (the chain
    left the served zones)."""
    kind: str
    final_name: dns.name.Name
    wildcard: bool = False          # a wildcard answered (expansion or wildcard NODATA)
    signed_delegation: bool = False  # a referral with the child's DS
    opt_out: bool = False           # the denial rests on an opt-out NSEC3: insecure (RFC 5155 6)
    proofs: list[str] = field(default_factory=list)  # one line per proof, for messages


# ---- signatures ---------------------------------------------------------------

def _sections(reply: dns.message.Message):
    return (("answer", reply.answer), ("authority", reply.authority), ("additional", reply.additional))


class _Signatures:
    """Verifies every RRset's signatures; remembers, per (section, owner,
    type), the RRSIG that verified: its signer and labels field (wildcard
    expansion, RFC 4034 3.1.3)."""

    def __init__(self, zones: TrustedZones, now: float):
        self.zones = zones
        self.now = now
        self.verified: dict[tuple[str, dns.name.Name, int], object] = {}

    def signed_by(self, zone: ZoneFacts, section_name: str, rrsets) -> list:
        """The RRsets of a section that `zone`'s keys verified."""
        return [rrset for rrset in rrsets
                if (sig := self.verified.get((section_name, rrset.name, rrset.rdtype))) is not None
                and sig.signer == zone.origin]

    def check(self, reply: dns.message.Message) -> None:
        dnames = [rrset for rrset in reply.answer if rrset.rdtype == DNAME]
        for section_name, rrsets in _sections(reply):
            sigs = {(rrset.name, rrset.covers): rrset for rrset in rrsets if rrset.rdtype == RRSIG}
            covered = set()
            for rrset in rrsets:
                if rrset.rdtype == RRSIG:
                    continue
                key = (rrset.name, rrset.rdtype)
                covered.add(key)
                where = f"{section_name}: {_name(rrset.name)} {dns.rdatatype.to_text(rrset.rdtype)}"
                if key in sigs:
                    self._verify(rrset, sigs[key], section_name, where)
                elif not self._may_be_unsigned(rrset, section_name, dnames):
                    raise ProofError(f"{where} has no RRSIG")
            for owner, covers in sigs:
                if (owner, covers) not in covered:
                    raise ProofError(f"{section_name}: RRSIG over {_name(owner)} "
                                     f"{dns.rdatatype.to_text(covers)} without the RRset")

    def _may_be_unsigned(self, rrset, section_name: str, dnames) -> bool:
        if rrset.rdtype == CNAME and section_name == "answer" and dnames:
            _check_synthesized(rrset, dnames)
            return True
        zone = self.zones.zone_of(rrset.name)
        if zone is None:
            return True  # not our data
        if (rrset.name, rrset.rdtype) in zone.signed:
            return False
        # Delegation NS and glue are not signed (RFC 4035 2.2); DS and NSEC at a cut are.
        return rrset.rdtype not in (DS, NSEC) and zone.below_cut(rrset.name)

    def _signers(self, name, rdtype) -> list[ZoneFacts]:
        """The zones whose keys may sign (name, rdtype): the one that owns the
        data, and the parent too for an NSEC at a served child's apex (the
        parent's NSEC at the cut has the same owner)."""
        zone = self.zones.zone_answering(name, rdtype)
        if zone is None:
            return []
        parent = self.zones.zone_answering(name, DS)
        return [zone, parent] if rdtype == NSEC and parent is not zone else [zone]

    def _verify(self, rrset, sigs, section_name: str, where: str) -> None:
        signers = self._signers(rrset.name, rrset.rdtype)
        if not signers:
            raise ProofError(f"{where}: signed, but in no zone we serve")
        if sigs.ttl != rrset.ttl:
            raise ProofError(f"{where}: RRSIG TTL {sigs.ttl} != RRset TTL {rrset.ttl} (RFC 4034 3)")
        failures = []
        for sig in sigs:
            zone = next((zone for zone in signers if zone.origin == sig.signer), None)
            if zone is None:
                failures.append(f"signer {_name(sig.signer)} does not own the data")
                continue
            try:
                dns.dnssec.validate_rrsig(rrset, sig, {zone.origin: zone.dnskey}, now=self.now)
            except dns.dnssec.ValidationFailure as error:
                failures.append(f"key {sig.key_tag}: {error}")
                continue
            self.verified[(section_name, rrset.name, rrset.rdtype)] = sig
            return
        raise ProofError(f"{where}: no RRSIG verifies ({'; '.join(failures)})")


def _check_synthesized(cname, dnames) -> None:
    """A CNAME synthesized from a DNAME in the answer (RFC 6672 2.3)."""
    for dname in dnames:
        if cname.name.is_subdomain(dname.name) and cname.name != dname.name:
            expected = cname.name.relativize(dname.name).derelativize(dname[0].target)
            if len(cname) == 1 and cname[0].target == expected:
                return
            raise ProofError(f"answer: CNAME {_name(cname.name)} -> {_name(cname[0].target)} is not "
                             f"what DNAME {_name(dname.name)} synthesizes ({_name(expected)})")
    raise ProofError(f"answer: unsigned CNAME {_name(cname.name)} under no DNAME of the answer")


def _effective_labels(name: dns.name.Name) -> int:
    """The RRSIG labels value of an unexpanded RRset at `name` (RFC 4034 3.1.3)."""
    count = len(name) - 1  # the root label does not count
    return count - 1 if name.is_wild() else count


# ---- denial: NSEC (RFC 4035) ----------------------------------------------------

class _NsecProof:
    """Denial from the NSEC RRs of a reply's authority section, within `zone`."""

    opt_out_used = False  # NSEC has no opt-out

    def __init__(self, zone: ZoneFacts, records):
        self.zone = zone
        self.records = [(rrset.name, rrset[0]) for rrset in records if rrset.rdtype == NSEC]

    def _matching(self, name):
        return next((rdata for owner, rdata in self.records if owner == name), None)

    def _covering(self, name):
        """(owner, rdata) of the NSEC with owner < name < next (the last one wraps to the apex)."""
        for owner, rdata in self.records:
            after_owner = owner < name
            before_next = name < rdata.next or rdata.next <= owner  # wrap at the end of the chain
            if after_owner and before_next:
                self._usable_for_below(owner, rdata, name)
                return owner, rdata
        return None

    def _usable_for_below(self, owner, rdata, name) -> None:
        """An NSEC at a cut or a DNAME says nothing of names below it (RFC 4035 5.4)."""
        types = _types(rdata)
        if name.is_subdomain(owner) and name != owner and (
                DNAME in types or (NS in types and SOA not in types)):
            raise ProofError(f"NSEC {_name(owner)} is at a cut or DNAME: it cannot deny {_name(name)}")

    def _closest_encloser(self, name) -> tuple[dns.name.Name, str]:
        """The closest encloser of a name proven absent: the deepest common
        ancestor of the name with the covering NSEC's owner or next name."""
        if self._matching(name) is not None:
            raise ProofError(f"an NSEC owned by {_name(name)} says it exists")
        covering = self._covering(name)
        if covering is None:
            raise ProofError(f"no NSEC covers {_name(name)}")
        owner, rdata = covering
        common = max(name.fullcompare(other)[2] for other in (owner, rdata.next))
        encloser = name.split(common)[1]
        if not encloser.is_subdomain(self.zone.origin):
            raise ProofError(f"NSEC {_name(owner)} puts the closest encloser of {_name(name)} outside the zone")
        return encloser, f"NSEC {_name(owner)} -> {_name(rdata.next)} covers {_name(name)}"

    def _no_data(self, name, rdtype) -> str | None:
        """Proof that `name` exists without `rdtype`, or None when not shown."""
        rdata = self._matching(name)
        if rdata is not None:
            types = _types(rdata)
            if rdtype in types or (CNAME in types and rdtype != CNAME):
                raise ProofError(f"NSEC {_name(name)} lists {dns.rdatatype.to_text(rdtype)} or CNAME")
            if rdtype != DS and NS in types and SOA not in types:
                raise ProofError(f"NSEC {_name(name)} is the parent's at a cut: it cannot deny "
                                 f"{dns.rdatatype.to_text(rdtype)}")
            return f"NSEC {_name(name)} lacks {dns.rdatatype.to_text(rdtype)}"
        covering = self._covering(name)
        if covering is not None and covering[1].next.is_subdomain(name) and covering[1].next != name:
            return f"NSEC {_name(covering[0])} -> {_name(covering[1].next)}: {_name(name)} is an empty non-terminal"
        return None

    def nxdomain(self, name) -> list[str]:
        encloser, covered = self._closest_encloser(name)
        wildcard = WILDCARD.concatenate(encloser)
        if self._matching(wildcard) is not None or self._covering(wildcard) is None:
            raise ProofError(f"no NSEC covers the wildcard {_name(wildcard)} (RFC 4035 3.1.3.2)")
        return [covered, f"wildcard {_name(wildcard)} covered"]

    def nodata(self, name, rdtype) -> tuple[list[str], bool]:
        """Proof lines and whether a wildcard answered (RFC 4035 3.1.3.1, 3.1.3.3)."""
        exact = self._no_data(name, rdtype)
        if exact is not None:
            return [exact], False
        encloser, covered = self._closest_encloser(name)
        wildcard = WILDCARD.concatenate(encloser)
        matched = self._no_data(wildcard, rdtype)
        if matched is None:
            raise ProofError(f"neither {_name(name)} nor {_name(wildcard)} is shown to lack "
                             f"{dns.rdatatype.to_text(rdtype)}")
        return [covered, matched], True

    def no_closer_match(self, name, wildcard_parent) -> list[str]:
        encloser, covered = self._closest_encloser(name)
        if encloser != wildcard_parent:
            raise ProofError(f"expansion of {_name(WILDCARD.concatenate(wildcard_parent))} for {_name(name)}, "
                             f"but the NSEC shows closest encloser {_name(encloser)} (RFC 4035 5.3.4)")
        return [covered]

    def insecure_delegation(self, cut) -> list[str]:
        rdata = self._matching(cut)
        if rdata is None:
            raise ProofError(f"referral to {_name(cut)}: neither DS nor an NSEC at the cut (RFC 4035 3.1.4)")
        types = _types(rdata)
        if DS in types or SOA in types or NS not in types:
            raise ProofError(f"NSEC {_name(cut)} does not prove an unsigned delegation: "
                             f"{sorted(dns.rdatatype.to_text(t) for t in types)}")
        return [f"NSEC {_name(cut)}: NS without DS"]


# ---- denial: NSEC3 (RFC 5155) ---------------------------------------------------

def _hash_bytes(text: str) -> bytes:
    return base64.b32hexdecode(text.upper())


class _Nsec3Proof:
    """Denial from the NSEC3 RRs of a reply's authority section, within `zone`."""

    def __init__(self, zone: ZoneFacts, records):
        self.zone = zone
        self.opt_out_used = False  # set by a proof that rests on an opt-out NSEC3
        param = zone.nsec3_param
        self.records = []  # (owner hash, rdata)
        for rrset in records:
            if rrset.rdtype != NSEC3 or rrset.name.parent() != zone.origin:
                continue
            rdata = rrset[0]
            if (rdata.algorithm, rdata.iterations, rdata.salt) != (param.algorithm, param.iterations, param.salt):
                raise ProofError(f"NSEC3 {_name(rrset.name)} has parameters other than the NSEC3PARAM's")
            self.records.append((_hash_bytes(rrset.name.labels[0].decode()), rdata))
        self.param = param

    def _hash(self, name) -> bytes:
        return _hash_bytes(dns.dnssec.nsec3_hash(name, self.param.salt, self.param.iterations,
                                                 self.param.algorithm))

    def _matching(self, name):
        digest = self._hash(name)
        return next((rdata for owner, rdata in self.records if owner == digest), None)

    def _covering(self, name):
        digest = self._hash(name)
        for owner, rdata in self.records:
            if owner < rdata.next:
                if owner < digest < rdata.next:
                    return rdata
            elif digest > owner or digest < rdata.next:  # the last NSEC3 wraps to the first
                return rdata
        return None

    def _closest_encloser(self, name) -> tuple[dns.name.Name, object, list[str]]:
        """RFC 5155 8.3: an NSEC3 matches the closest encloser, one covers the
        next closer name. Returns (encloser, covering rdata, proof lines)."""
        if self._matching(name) is not None:
            raise ProofError(f"an NSEC3 matches {_name(name)}: it exists")
        next_closer = name
        for ancestor in _ancestors(name.parent()):
            if not ancestor.is_subdomain(self.zone.origin):
                break
            rdata = self._matching(ancestor)
            if rdata is not None:
                types = _types(rdata)
                if DNAME in types or (NS in types and SOA not in types):
                    raise ProofError(f"NSEC3 of {_name(ancestor)} is a cut or DNAME: not a closest encloser")
                covering = self._covering(next_closer)
                if covering is None:
                    raise ProofError(f"closest encloser {_name(ancestor)}, but no NSEC3 covers "
                                     f"the next closer name {_name(next_closer)}")
                return ancestor, covering, [f"closest encloser {_name(ancestor)}",
                                            f"next closer {_name(next_closer)} covered"]
            next_closer = ancestor
        raise ProofError(f"no closest encloser proof for {_name(name)} (RFC 5155 8.3)")

    def _no_data(self, name, rdtype) -> str | None:
        rdata = self._matching(name)
        if rdata is None:
            return None
        types = _types(rdata)
        if rdtype in types or (CNAME in types and rdtype != CNAME):
            raise ProofError(f"NSEC3 of {_name(name)} lists {dns.rdatatype.to_text(rdtype)} or CNAME")
        if rdtype != DS and NS in types and SOA not in types:
            raise ProofError(f"NSEC3 of {_name(name)} is the parent's at a cut")
        return f"NSEC3 of {_name(name)} lacks {dns.rdatatype.to_text(rdtype)}"

    def nxdomain(self, name) -> list[str]:
        encloser, _, lines = self._closest_encloser(name)
        wildcard = WILDCARD.concatenate(encloser)
        if self._covering(wildcard) is None:
            raise ProofError(f"no NSEC3 covers the wildcard {_name(wildcard)} (RFC 5155 8.4)")
        return lines + [f"wildcard {_name(wildcard)} covered"]

    def nodata(self, name, rdtype) -> tuple[list[str], bool]:
        exact = self._no_data(name, rdtype)
        if exact is not None:
            return [exact], False
        encloser, covering, lines = self._closest_encloser(name)
        if rdtype == DS and covering.flags & NSEC3_OPT_OUT:
            self.opt_out_used = True
            return lines + ["opt-out: no DS (RFC 5155 8.6)"], False
        wildcard = WILDCARD.concatenate(encloser)
        matched = self._no_data(wildcard, rdtype)
        if matched is not None:
            return lines + [matched], True
        if covering.flags & NSEC3_OPT_OUT:
            # An empty non-terminal above only unsigned delegations has no
            # NSEC3 under opt-out: the proof is the closest provable
            # encloser's, and insecure (RFC 5155 erratum 3441, 7.2.3 and 8.5).
            self.opt_out_used = True
            return lines + ["opt-out: an empty non-terminal in an opt-out span"], False
        raise ProofError(f"no NSEC3 matches {_name(name)} or the wildcard {_name(wildcard)} (RFC 5155 8.7)")

    def no_closer_match(self, name, wildcard_parent) -> list[str]:
        next_closer = name.split(len(wildcard_parent) + 1)[1]
        if self._covering(next_closer) is None or self._matching(next_closer) is not None:
            raise ProofError(f"expansion of {_name(WILDCARD.concatenate(wildcard_parent))} for {_name(name)}: "
                             f"no NSEC3 covers the next closer name {_name(next_closer)} (RFC 5155 8.8)")
        return [f"next closer {_name(next_closer)} covered"]

    def insecure_delegation(self, cut) -> list[str]:
        rdata = self._matching(cut)
        if rdata is not None:
            types = _types(rdata)
            if DS in types or SOA in types or NS not in types:
                raise ProofError(f"NSEC3 of {_name(cut)} does not prove an unsigned delegation")
            return [f"NSEC3 of {_name(cut)}: NS without DS"]
        _, covering, lines = self._closest_encloser(cut)
        if not covering.flags & NSEC3_OPT_OUT:
            raise ProofError(f"referral to {_name(cut)}: the NSEC3 covering it lacks opt-out (RFC 5155 8.9)")
        self.opt_out_used = True
        return lines + ["opt-out"]


def _denial(zone: ZoneFacts, reply, signatures: _Signatures):
    """The prover for `zone`, over the authority records its keys signed."""
    records = signatures.signed_by(zone, "authority", reply.authority)
    return _Nsec3Proof(zone, records) if zone.nsec3_param is not None else _NsecProof(zone, records)


# ---- the whole reply ---------------------------------------------------------------

def _rrsets_at(section, name):
    return {rrset.rdtype: rrset for rrset in section if rrset.name == name and rrset.rdtype != RRSIG}


def _follow_chain(reply, qname, qtype) -> tuple[dns.name.Name, str | None]:
    """(the name the answer's CNAME/DNAME chain ends at, "answer"/"loop" or None)."""
    name, seen = qname, set()
    while True:
        if name in seen:
            return name, "loop"
        seen.add(name)
        here = _rrsets_at(reply.answer, name)
        if qtype in here:
            return name, "answer"
        if CNAME in here:
            name = here[CNAME][0].target
            continue
        return name, None


def check_signed_reply(reply: dns.message.Message, zones: TrustedZones, *,
                       now: float | None = None) -> Checked:
    """Checks signatures and denial of a reply to a DO query; raises ProofError."""
    if not reply.ednsflags & dns.flags.DO:
        raise ProofError("the reply does not echo the DO bit (RFC 3225 3)")
    signatures = _Signatures(zones, time.time() if now is None else now)
    signatures.check(reply)
    question = reply.question[0]
    qname, qtype = question.name, question.rdtype
    final, kind = _follow_chain(reply, qname, qtype)
    checked = Checked(kind or "", final)
    _check_expansions(reply, zones, signatures, checked)
    if kind is not None:
        return checked
    zone = zones.zone_answering(final, qtype)
    if zone is None:
        checked.kind = "left"
        return checked
    denial = _denial(zone, reply, signatures)
    referral = _referral_cut(reply, zone, final)
    if referral is not None:
        checked.kind = "referral"
        if any(rrset.rdtype == DS and rrset.name == referral for rrset in reply.authority):
            checked.signed_delegation = True
            checked.proofs.append(f"DS at {_name(referral)}")
        else:
            checked.proofs += denial.insecure_delegation(referral)
            checked.opt_out = denial.opt_out_used
        return checked
    _check_negative_soa(reply, zone)
    if reply.rcode() == dns.rcode.NXDOMAIN:
        checked.kind = "nxdomain"
        checked.proofs += denial.nxdomain(final)
    elif reply.rcode() == dns.rcode.NOERROR:
        checked.kind = "nodata"
        lines, wildcard = denial.nodata(final, qtype)
        checked.proofs += lines
        checked.wildcard |= wildcard
        checked.opt_out = denial.opt_out_used
    else:
        raise ProofError(f"rcode {dns.rcode.to_text(reply.rcode())} with no answer")
    return checked


def _check_expansions(reply, zones, signatures: _Signatures, checked: Checked) -> None:
    """Every wildcard expansion in the answer comes with proof that no closer match exists."""
    for rrset in reply.answer:
        sig = signatures.verified.get(("answer", rrset.name, rrset.rdtype))
        if sig is None or sig.labels >= _effective_labels(rrset.name):
            continue
        wildcard_parent = rrset.name.split(sig.labels + 1)[1]
        zone = zones.zones[sig.signer]
        checked.wildcard = True
        checked.proofs += _denial(zone, reply, signatures).no_closer_match(rrset.name, wildcard_parent)


def _referral_cut(reply, zone: ZoneFacts, name) -> dns.name.Name | None:
    """The delegation point of a referral for `name`: an authority NS RRset
    above or at `name`, below the apex, with no SOA beside it."""
    if any(rrset.rdtype == SOA for rrset in reply.authority):
        return None
    for rrset in reply.authority:
        if rrset.rdtype == NS and name.is_subdomain(rrset.name) and rrset.name != zone.origin:
            if rrset.name not in zone.cuts:
                raise ProofError(f"referral to {_name(rrset.name)}, not a cut of {_name(zone.origin)}")
            return rrset.name
    return None


def _check_negative_soa(reply, zone: ZoneFacts) -> None:
    """RFC 4035 3.1.3: a negative answer carries the zone's SOA (its RRSIG is checked above)."""
    if not any(rrset.rdtype == SOA and rrset.name == zone.origin for rrset in reply.authority):
        raise ProofError(f"negative answer without the SOA of {_name(zone.origin)}")


def check_unsigned_reply(reply: dns.message.Message) -> None:
    """RFC 4035 3.1: without DO, no DNSSEC records except the type asked for."""
    qtype = reply.question[0].rdtype
    for section_name, rrsets in _sections(reply):
        for rrset in rrsets:
            if rrset.rdtype in DNSSEC_TYPES and not (section_name == "answer" and rrset.rdtype == qtype):
                raise ProofError(f"{section_name}: {_name(rrset.name)} "
                                 f"{dns.rdatatype.to_text(rrset.rdtype)} without the DO bit")


def without_dnssec(reply: dns.message.Message) -> dict[str, set]:
    """The reply's sections without the records DO adds (RRSIG, NSEC, NSEC3,
    and DS outside the answer): what the same query without DO must return."""
    qtype = reply.question[0].rdtype
    kept = {}
    for section_name, rrsets in _sections(reply):
        kept[section_name] = {
            (rrset.name, rrset.rdtype, rrset.ttl, frozenset(rdata.to_digestable() for rdata in rrset))
            for rrset in rrsets
            if rrset.rdtype not in DNSSEC_TYPES or (section_name == "answer" and rrset.rdtype == qtype)}
    return kept
