/** IPv4 CIDR arithmetic for laying out subnets, kept pure so the layout is testable. */

function toNumber(address: string): number {
  return address.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
}

function toAddress(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** The `index`-th subnet with `newBits` more prefix bits, like Terraform's cidrsubnet(). */
export function cidrSubnet(cidr: string, newBits: number, index: number): string {
  const [address, prefixText] = cidr.split('/');
  const prefix = Number(prefixText) + newBits;
  if (prefix > 28) throw new RangeError(`${cidr} is too small for ${2 ** newBits} subnets`);
  if (index >= 2 ** newBits) throw new RangeError(`${cidr} has only ${2 ** newBits} subnets of /${prefix}`);
  return `${toAddress(toNumber(address) + index * 2 ** (32 - prefix))}/${prefix}`;
}
