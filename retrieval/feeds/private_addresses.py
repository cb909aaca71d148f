"""Which addresses a fetch may connect to: the public internet's, and of the private and
local ones only those NEWSBOT_ALLOW_PRIVATE_URLS lists (`PrivateAllowed`).

Apart from the client (`fetch.Fetcher`, whose network backend asks these at connect time)
because a feed's address is checked with them before anything is fetched too: as it is added
(`feed_addresses.addable`), and as the setting is read.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import TypeAlias

import httpx

from retrieval.errors import BlockedURLError

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Not the public internet, whatever a Python version's `is_global` says of them: each of its
# releases has read IANA's registries otherwise (3.11 takes 192.0.0.9 and fec0::1 for public).
_NOT_PUBLIC = tuple(
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8",  # "this network": 0.0.0.0 reaches the machine itself
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local: cloud metadata (169.254.169.254) and its credentials
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments (192.0.0.9, 192.0.0.10 among them)
        "192.0.2.0/24",
        "192.88.99.0/24",  # 6to4 relays, deprecated
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and the broadcast address
        "::/128",
        "::1/128",
        "64:ff9b:1::/48",  # local-use IPv4/IPv6 translation (RFC 8215)
        "100::/64",  # discard
        "2001::/23",  # IETF protocol assignments: Teredo (2001::/32), benchmarking, ORCHID
        "2001:db8::/32",
        "3fff::/20",  # documentation
        "5f00::/16",  # segment routing
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local, deprecated but still routed inside some networks
        "ff00::/8",  # multicast
    )
)
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")  # ::a.b.c.d, deprecated (RFC 4291)
_IPV4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")  # ::ffff:0:a.b.c.d (RFC 2765)


def is_public_address(address: str) -> bool:
    """Whether an IP address is on the public internet: in none of `_NOT_PUBLIC`'s networks
    and global for Python too; an IPv6 address that carries an IPv4 one (mapped,
    compatible, translated, NAT64, 6to4) is as public as that IPv4 address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    except ValueError:
        return False
    if any(ip in network for network in _NOT_PUBLIC) or not ip.is_global or ip.is_multicast:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and (embedded := _embedded_ipv4(ip)) is not None:
        return is_public_address(str(embedded))
    return True


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries, which is where a connection to it goes."""
    if ip in _IPV4_COMPATIBLE or ip in _IPV4_TRANSLATED or ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.ipv4_mapped or ip.sixtofour


def named_local(url: httpx.URL, allowed: PrivateAllowed | None = None) -> str | None:
    """The URL's host if it names a private or local address itself (an IP address in any
    form a resolver reads, 2130706433 and 0x7f000001 and 127.1 among them, or localhost)
    that `allowed` does not allow: known before any lookup, as a feed is added. A name that
    resolves to one is refused when fetched (`fetch._GuardedBackend`)."""
    allowed = allowed or PrivateAllowed()
    host = url.host
    if host == "localhost" or host.endswith(".localhost"):
        return None if allowed.allows(host, "127.0.0.1") else host
    address = named_address(host)
    if address is None or is_public_address(str(address)):
        return None
    return None if allowed.allows(host, str(address)) else host


def named_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address `host` names itself, as a resolver reads it (None: a name to look up).
    IPv4 as inet_aton reads it: one to four parts, each decimal, octal (a leading 0) or
    hex (0x), the last filling the bytes left: 127.1, 2130706433, 0x7f.1 and 0 are
    addresses that getaddrinfo connects to without a lookup."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        pass
    parts = host.split(".")
    if len(parts) > 4 or not all(_INET_PART.fullmatch(part) for part in parts):
        return None
    *leading, last = map(_inet_number, parts)
    if any(n > 0xFF for n in leading) or last >= 1 << (8 * (5 - len(parts))):
        return None
    value = last
    for shift, n in enumerate(reversed(leading), start=5 - len(parts)):
        value |= n << (8 * shift)
    return ipaddress.IPv4Address(value)


# One part of an IPv4 address as inet_aton reads it: hex, octal or decimal digits
_INET_PART = re.compile(r"0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*")


def _inet_number(part: str) -> int:
    """The number an `_INET_PART` stands for."""
    if part[:2].lower() == "0x":
        return int(part, 16)
    return int(part, 8 if part.startswith("0") else 10)


_Network: TypeAlias = ipaddress.IPv4Network | ipaddress.IPv6Network
# Where clouds serve a machine's metadata and the credentials of its role: an outside feed's
# link there would hand them to whoever reads the article. Refused even where private
# addresses are allowed, unless a network listed holds them.
_LINK_LOCAL = tuple(
    ipaddress.ip_network(network)
    for network in ("169.254.0.0/16", "fe80::/10", "fd00:ec2::254/128")  # the last: AWS's
)
# A host named in NEWSBOT_ALLOW_PRIVATE_URLS: a name as a URL has it (IDNA-encoded)
_HOST_NAME = re.compile(r"[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*")


@dataclass(frozen=True, slots=True)
class PrivateAllowed:
    """The non-public addresses a fetch may connect to (NEWSBOT_ALLOW_PRIVATE_URLS): every
    private and loopback one (`everything`), those the `hosts` named resolve to, and those in
    `networks`. A link-local address (169.254.169.254) only where a network listed holds it.

    Every feed's entry links and redirects are fetched under the same rule: listing the one
    intranet host a feed is on keeps an outside feed from making the bot fetch the rest of
    the network."""

    everything: bool = False
    hosts: frozenset[str] = frozenset()
    networks: tuple[_Network, ...] = ()
    # the entries as the setting lists them, in its order: a refusal's remedy adds to them
    listed: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def of(cls, allow: bool | PrivateAllowed) -> PrivateAllowed:
        """`allow` as a PrivateAllowed: True, every private address; False, none."""
        return allow if isinstance(allow, PrivateAllowed) else cls(everything=allow)

    @classmethod
    def parse(cls, text: str) -> PrivateAllowed:
        """Hosts and networks, separated by commas: "intranet.example, 10.1.0.0/16, fd00::5"
        (an address is a network of one). ValueError names an entry that is neither."""
        hosts: set[str] = set()
        networks: list[_Network] = []
        entries = tuple(filter(None, (part.strip() for part in text.split(","))))
        for entry in entries:
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
                continue
            except ValueError:
                pass
            host = _host_key(entry)
            if not _HOST_NAME.fullmatch(host):
                raise ValueError(f"{entry!r} is neither a host name nor a network")
            if (address := named_address(host)) is not None:  # 127.1, as a resolver reads it
                networks.append(ipaddress.ip_network(address))
            else:
                hosts.add(host)
        return cls(hosts=frozenset(hosts), networks=tuple(networks), listed=entries)

    def setting_with(self, host: str) -> str:
        """The NEWSBOT_ALLOW_PRIVATE_URLS assignment that allows `host` too: the entries
        listed, `host` added, comma-separated as `parse` reads them ("NEWSBOT_ALLOW_PRIVATE_
        URLS=intranet.example,10.1.0.0/16,wiki"); `host` alone where none are listed. Only
        host names and networks: never a URL's credentials."""
        entries = dict.fromkeys([*self.listed, host.strip("[]")])
        return f"NEWSBOT_ALLOW_PRIVATE_URLS={','.join(entries)}"

    def allows(self, host: str, address: str) -> bool:
        """Whether a connection to `host` may go to the non-public `address`."""
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return False
        carried = [ip, *_carried_ipv4(ip)]
        if any(a in network for a in carried for network in self.networks):
            return True
        if any(a in network for a in carried for network in _LINK_LOCAL):
            return False
        return self.everything or _host_key(host) in self.hosts

    def refusal(self, host: str, address: str) -> BlockedURLError:
        """Why a connection to `host` at `address`, which `allows` refused, is refused, and
        what would allow it (its `advice`)."""
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if any(a in network for a in [ip, *_carried_ipv4(ip)] for network in _LINK_LOCAL):
            return BlockedURLError(
                f"{_where(host, address)} a link-local address, where clouds serve their "
                "machines' credentials: refused",
                advice="only a network NEWSBOT_ALLOW_PRIVATE_URLS lists, such as "
                "169.254.0.0/16, allows it",
            )
        return BlockedURLError(
            f"{_where(host, address)} a private or local address: refused",
            advice=f"add it to NEWSBOT_ALLOW_PRIVATE_URLS, e.g. {self.setting_with(host)}, "
            "to fetch from your own network",
        )


def _host_key(host: str) -> str:
    """A host name as PrivateAllowed compares them: lower case, without a final dot."""
    return host.strip().lower().removesuffix(".")


def _carried_ipv4(
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> list[ipaddress.IPv4Address]:
    """The IPv4 address an IPv6 one carries, if any, as a list."""
    if isinstance(ip, ipaddress.IPv6Address) and (embedded := _embedded_ipv4(ip)) is not None:
        return [embedded]
    return []


def _where(host: str, address: str) -> str:
    """Where a refused `host` is, before what it is: "example.org is at 10.0.0.5,", but
    "127.0.0.1 is" for an address given as the host ("127.0.0.1 is at 127.0.0.1" named it
    twice)."""
    try:
        same = ipaddress.ip_address(host.strip("[]")) == ipaddress.ip_address(address)
    except ValueError:  # a name, not an address
        same = False
    return f"{host} is" if same else f"{host} is at {address},"
