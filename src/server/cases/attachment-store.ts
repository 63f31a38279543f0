import type { Generated, Selectable } from 'kysely';
import type { Db } from '../db/database.ts';

export interface CaseAttachmentTable {
  id: string;
  case_id: string;
  kind: 'photo' | 'document';
  content_type: string;
  size_bytes: number;
  sha256: string;
  file_name: string;
  storage_key: string;
  public_key: string | null;
  location_stripped: Generated<boolean>;
  uploaded_by: string | null;
  uploaded_by_name: string;
  created_at: Date;
}

declare module '../db/tables.ts' {
  interface Tables {
    case_attachments: CaseAttachmentTable;
  }
}

export type AttachmentRow = Selectable<CaseAttachmentTable>;

export function createAttachmentStore() {
  return {
    async insert(tx: Db, row: AttachmentRow): Promise<void> {
      await tx.insertInto('case_attachments').values(row).execute();
    },
    list: (db: Db, caseId: string) => db.selectFrom('case_attachments').selectAll().where('case_id', '=', caseId).orderBy('created_at').orderBy('id').execute(),
    find: (db: Db, caseId: string, id: string) => db.selectFrom('case_attachments').selectAll().where('case_id', '=', caseId).where('id', '=', id).executeTakeFirst(),
  };
}
