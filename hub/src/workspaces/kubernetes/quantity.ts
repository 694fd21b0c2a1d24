// Kubernetes resource quantities ("500m", "2", "8Gi", "1e9") as numbers, for
// the professors' cluster view of node capacity.

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** The value of a quantity in base units, or undefined when it is not one. */
export function parseQuantity(quantity: string | number | undefined): number | undefined {
  if (quantity === undefined) return undefined;
  if (typeof quantity === 'number') return quantity;
  const match = /^([+-]?[0-9.]+)([eE][+-]?[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/.exec(quantity.trim());
  if (!match) return undefined;
  const number = Number(match[1] + (match[2] ?? ''));
  if (!Number.isFinite(number)) return undefined;
  const suffix = match[3] ?? '';
  return number * (BINARY[suffix] ?? DECIMAL[suffix] ?? 1);
}

/** CPU quantity in millicores. */
export function cpuMillicores(quantity: string | number | undefined): number | undefined {
  const cores = parseQuantity(quantity);
  return cores === undefined ? undefined : Math.round(cores * 1000);
}

/** Memory quantity in bytes. */
export function memoryBytes(quantity: string | number | undefined): number | undefined {
  const bytes = parseQuantity(quantity);
  return bytes === undefined ? undefined : Math.round(bytes);
}
