/* imports.ts: roster import. The file goes up as it is; the server reads CSV or XLSX. */
import { client } from './client'

export interface ImportResult {
  classes_created: number
  students_created: number
  guardians_created: number
}

export interface ImportRowError {
  row: number
  column: string
  message: string
}

/**
 * Uploads `file` for `schoolId`. `onProgress` gets 0..100 while the bytes go up; after 100 the
 * server is still checking the file, which the page shows as "processing".
 */
export async function importStudents(
  schoolId: number,
  file: Blob,
  onProgress?: (percent: number) => void,
): Promise<ImportResult> {
  const r = await client.post<ImportResult>('/imports/students', file, {
    params: { school_id: schoolId },
    headers: { 'Content-Type': 'application/octet-stream' },
    timeout: 10 * 60_000,
    onUploadProgress: (e) => {
      if (!onProgress) return
      const total = e.total || file.size || 1
      onProgress(Math.min(100, Math.round((e.loaded * 100) / total)))
    },
  })
  return r.data
}

/** How many errors the file has: the server may list fewer rows than it found. */
export function rejectedTotal(body: unknown): number {
  const b = body as { errors_total?: unknown; rows?: unknown[] } | null
  if (typeof b?.errors_total === 'number') return b.errors_total
  return Array.isArray(b?.rows) ? b.rows.length : 0
}

/** The rows of an `import_rejected` answer, in row order (unknown shapes are dropped). */
export function rejectedRows(body: unknown): ImportRowError[] {
  const rows = (body as { rows?: unknown })?.rows
  if (!Array.isArray(rows)) return []
  return rows
    .filter((r): r is ImportRowError => !!r && typeof r === 'object' && 'row' in r)
    .map((r) => ({ row: Number(r.row), column: String(r.column ?? ''), message: String(r.message ?? '') }))
    .sort((a, b) => a.row - b.row)
}
