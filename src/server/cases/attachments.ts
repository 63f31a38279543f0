import { createHash, randomUUID } from 'node:crypto';
import { can, type Actor } from '../access/permissions.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { isImage, sniffContentType } from '../storage/sniff.ts';
import { ImageFormatError, stripJpegMetadata, stripPngMetadata } from '../storage/strip-metadata.ts';
import { createAttachmentStore, type AttachmentRow } from './attachment-store.ts';
import type { CaseCore } from './core.ts';

export type { AttachmentRow } from './attachment-store.ts';

/** Upper bound for one attachment; the multipart parser enforces it before bytes reach the service. */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** Only these roles add evidence to a case: whoever files, handles, checks or dispatches it. */
const mayAttach = (actor: Actor) => can(actor, 'case.create') || can(actor, 'case.handle') || can(actor, 'case.check') || can(actor, 'case.dispatch');

const safeName = (name: string) => name.replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(0, 120) || 'file';

export function createAttachments(core: CaseCore) {
  const { deps, blobs } = core;
  const { db, clock, audit } = deps;
  const store = createAttachmentStore();

  /** A public copy without EXIF/GPS for images we can strip; null means the public never sees this file. */
  function publicCopy(type: string, bytes: Buffer): Buffer | null {
    try {
      if (type === 'image/jpeg') return stripJpegMetadata(bytes);
      if (type === 'image/png') return stripPngMetadata(bytes);
    } catch (err) {
      if (err instanceof ImageFormatError) throw new AppError(415, 'attachment.corrupt_image', `the image cannot be read: ${err.message}`);
      throw err;
    }
    return null;
  }

  return {
    async add(actor: Actor, code: string, file: { fileName: string; bytes: Buffer }): Promise<AttachmentRow> {
      if (!mayAttach(actor)) throw forbidden('case.attach');
      const c = await core.visibleCase(actor, code);
      if (file.bytes.length === 0) throw new AppError(400, 'attachment.empty', 'the file is empty');
      const type = sniffContentType(file.bytes);
      if (!type) throw new AppError(415, 'attachment.unsupported_type', 'only JPEG, PNG, WebP photos and PDF documents are accepted (checked by content, not by name)');
      const id = randomUUID();
      const key = `cases/${c.id}/${id}`;
      const pub = publicCopy(type, file.bytes);
      // Bytes first, row second: a failed transaction leaves an unreferenced file, never a row without bytes.
      try {
        await blobs.put(key, file.bytes, type);
        if (pub) await blobs.put(`${key}.public`, pub, type);
      } catch (err) {
        deps.logger.error({ err, case: c.code, store: blobs.kind }, 'attachment not stored');
        throw new AppError(503, 'attachment.storage_unavailable', 'the file store did not take the file; nothing was recorded, try again later');
      }
      const row: AttachmentRow = {
        id,
        case_id: c.id,
        kind: isImage(type) ? 'photo' : 'document',
        content_type: type,
        size_bytes: file.bytes.length,
        sha256: createHash('sha256').update(file.bytes).digest('hex'),
        file_name: safeName(file.fileName),
        storage_key: key,
        public_key: pub ? `${key}.public` : null,
        location_stripped: pub !== null,
        uploaded_by: actor.id,
        uploaded_by_name: actor.username,
        created_at: clock.now(),
      };
      await db.transaction().execute(async (tx) => {
        await store.insert(tx, row);
        await audit.record(tx, row.created_at, actor, 'case.attachment.add', { type: 'case', id: c.code }, { attachment: id, kind: row.kind, contentType: type, bytes: row.size_bytes, sha256: row.sha256 });
      });
      return row;
    },

    list: (caseId: string) => store.list(db, caseId),

    /** The original, for staff who may see the case. */
    async original(actor: Actor, code: string, id: string): Promise<{ row: AttachmentRow; bytes: Buffer }> {
      const c = await core.visibleCase(actor, code);
      const row = await store.find(db, c.id, id);
      const bytes = row ? await blobs.get(row.storage_key) : null;
      if (!row || !bytes) throw notFound('attachment', id);
      return { row, bytes };
    },

    /** The stripped public copy, by case code; documents and unstrippable images have none. */
    async publicCopy(code: string, id: string): Promise<{ row: AttachmentRow; bytes: Buffer }> {
      const c = await core.store.findByCodeAnywhere(db, code);
      const row = c ? await store.find(db, c.id, id) : undefined;
      const bytes = row?.public_key ? await blobs.get(row.public_key) : null;
      if (!row || !bytes) throw notFound('attachment', id);
      return { row, bytes };
    },
  };
}
