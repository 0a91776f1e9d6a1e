// Number formatting with units, shared by every view: one place decides how a figure reads.
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const formatInteger = (value: number | null | undefined): string => (value == null || !Number.isFinite(value) ? '—' : integer.format(value));
export const formatMoney = (value: number | null | undefined): string => (value == null || !Number.isFinite(value) ? '—' : twoDecimals.format(value));
export const formatDecimal = (value: number | null | undefined, digits = 2): string =>
  value == null || !Number.isFinite(value) ? '—' : (digits === 1 ? oneDecimal : twoDecimals).format(value);
export const formatPercent = (value: number | null | undefined, digits = 1): string => (value == null || !Number.isFinite(value) ? '—' : `${formatDecimal(value, digits)} %`);

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes == null || !Number.isFinite(bytes)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? integer.format(value) : oneDecimal.format(value)} ${units[unit]}`;
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${oneDecimal.format(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export const formatTime = (epochMs: number | undefined): string => (epochMs === undefined ? '—' : new Date(epochMs).toLocaleString());
