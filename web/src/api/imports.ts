/* imports.ts: roster import, pupils or teachers. The file goes up as it is; the server reads CSV or XLSX. */
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

export interface TeacherImportResult {
  teachers_created: number
  teachers_linked: number
  assignments_created: number
}

export type RosterKind = 'students' | 'teachers'

async function uploadRoster<T>(
  kind: RosterKind,
  schoolId: number,
  file: Blob,
  onProgress?: (percent: number) => void,
): Promise<T> {
  const r = await client.post<T>(`/imports/${kind}`, file, {
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

/**
 * Uploads the pupils' roster `file` for `schoolId`. `onProgress` gets 0..100 while the bytes go
 * up; after 100 the server is still checking the file, which the page shows as "processing".
 */
export function importStudents(
  schoolId: number,
  file: Blob,
  onProgress?: (percent: number) => void,
): Promise<ImportResult> {
  return uploadRoster<ImportResult>('students', schoolId, file, onProgress)
}

/**
 * Uploads the teachers' roster (工号, 姓名, 手机, 任教学科, 任教班级...): new teachers get an
 * account, known ones (by phone) are linked, and each subject × class becomes a teaching
 * assignment. Same progress and errors as importStudents.
 */
export function importTeachers(
  schoolId: number,
  file: Blob,
  onProgress?: (percent: number) => void,
): Promise<TeacherImportResult> {
  return uploadRoster<TeacherImportResult>('teachers', schoolId, file, onProgress)
}

/**
 * How many errors the file has: the server may list fewer rows than it found, and the same
 * error twice (the teachers' import checks a missing class once per subject), which
 * rejectedRows shows once and this counts once.
 */
export function rejectedTotal(body: unknown): number {
  const b = body as { errors_total?: unknown; rows?: unknown[] } | null
  const listed = Array.isArray(b?.rows) ? b.rows.length : 0
  const repeated = listed - rejectedRows(body).length
  const total = typeof b?.errors_total === 'number' ? b.errors_total : listed
  return Math.max(0, total - repeated)
}

/**
 * The rows of an `import_rejected` answer, in row order, each error once (unknown shapes are
 * dropped).
 */
export function rejectedRows(body: unknown): ImportRowError[] {
  const rows = (body as { rows?: unknown })?.rows
  if (!Array.isArray(rows)) return []
  const seen = new Set<string>()
  return rows
    .filter((r): r is ImportRowError => !!r && typeof r === 'object' && 'row' in r)
    .map((r) => ({ row: Number(r.row), column: String(r.column ?? ''), message: String(r.message ?? '') }))
    .filter((r) => {
      const k = JSON.stringify([r.row, r.column, r.message])
      if (seen.has(k)) return false
      seen.add(k)
      return true
    })
    .sort((a, b) => a.row - b.row)
}
