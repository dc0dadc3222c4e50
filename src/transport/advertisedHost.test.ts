import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { advertisedHost, httpOrigin } from './advertisedHost.js';

const interfaces: Record<string, NetworkInterfaceInfo[]> = {
  lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true, netmask: '255.0.0.0', mac: '', cidr: null }],
  eth0: [
    { address: 'fe80::1', family: 'IPv6', internal: false, netmask: 'ffff::', mac: '', cidr: null, scopeid: 2 },
    { address: '192.168.1.20', family: 'IPv4', internal: false, netmask: '255.255.255.0', mac: '', cidr: null },
  ],
};

describe('advertisedHost', () => {
  it('keeps a concrete host and replaces a wildcard with the first LAN IPv4', () => {
    expect(advertisedHost('127.0.0.1', interfaces)).toBe('127.0.0.1');
    expect(advertisedHost('tether.local', interfaces)).toBe('tether.local');
    expect(advertisedHost('0.0.0.0', interfaces)).toBe('192.168.1.20');
    expect(advertisedHost('0.0.0.0', { lo: interfaces.lo })).toBe('127.0.0.1');
  });

  it('brackets IPv6 literals in origins', () => {
    expect(httpOrigin('::1', 80)).toBe('http://[::1]:80');
    expect(httpOrigin('10.0.0.2', 7878)).toBe('http://10.0.0.2:7878');
  });
});
