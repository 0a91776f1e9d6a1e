// A run as a file a user can take elsewhere: CSV with one row per metric sample (long format, so
// series sampled at different times stay exact), or JSON with the record, series and evaluations.
import type { RunDetail } from '../shared/ipc/contract.ts';

export function exportRunAsCsv(detail: RunDetail): string {
  const lines = ['run_id,trainer,mode,seed,metric,elapsed_ms,step,value'];
  const { id, config } = detail.record;
  const prefix = [id, config.trainer, config.mode, config.seed].map(csvField).join(',');
  for (const [name, series] of Object.entries(detail.metrics)) {
    for (let index = 0; index < series.value.length; index++) {
      lines.push(`${prefix},${csvField(name)},${series.elapsedMs[index]},${series.step[index]},${series.value[index]}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function exportRunAsJson(detail: RunDetail): string {
  return `${JSON.stringify({ format: 'traindeck-run', version: 1, ...detail }, null, 2)}\n`;
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
