import net from 'node:net';

/**
 * A predicate over client addresses from a list of CIDRs or single addresses (IPv4 or IPv6);
 * an empty list allows everyone. IPv4-mapped IPv6 addresses (`::ffff:127.0.0.1`) count as IPv4.
 */
export function addressFilter(entries: string[]): (address: string) => boolean {
  if (entries.length === 0) return () => true;
  const list = new net.BlockList();
  for (const entry of entries) {
    const [ip, bits] = entry.split('/');
    const type = net.isIPv6(ip ?? '') ? 'ipv6' : 'ipv4';
    if (!ip || net.isIP(ip) === 0) throw new Error(`not an address or CIDR: ${entry}`);
    if (bits === undefined) list.addAddress(ip, type);
    else list.addSubnet(ip, Number(bits), type);
  }
  return (address) => {
    const v4 = address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
    const type = net.isIPv6(v4) ? 'ipv6' : 'ipv4';
    return net.isIP(v4) !== 0 && list.check(v4, type);
  };
}
