/** The single progress bar of an import: upload first (0–10 %), then the server's validate/import progress. */
export interface ImportProgress {
  phase: 'upload' | 'validating' | 'importing' | 'done' | 'failed' | 'idle';
  percent: number;
  status: 'active' | 'success' | 'exception' | 'normal';
  running: boolean;
}

export function importProgress(job: { state: string; processedRows: number; totalRows: number } | null, uploadFraction: number | null): ImportProgress {
  if (uploadFraction !== null) return { phase: 'upload', percent: Math.round(uploadFraction * 10), status: 'active', running: true };
  if (!job) return { phase: 'idle', percent: 0, status: 'normal', running: false };
  const ratio = job.totalRows > 0 ? Math.min(1, job.processedRows / job.totalRows) : 0;
  switch (job.state) {
    case 'validating':
      return { phase: 'validating', percent: 10 + Math.round(ratio * 45), status: 'active', running: true };
    case 'importing':
      return { phase: 'importing', percent: 55 + Math.round(ratio * 45), status: 'active', running: true };
    case 'done':
      return { phase: 'done', percent: 100, status: 'success', running: false };
    default:
      return { phase: 'failed', percent: 100, status: 'exception', running: false };
  }
}
