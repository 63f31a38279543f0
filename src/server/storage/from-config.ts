import { join } from 'node:path';
import type { Config } from '../config.ts';
import { createLocalBlobStore, type BlobStore } from './blob-store.ts';
import { createS3BlobStore } from './s3-blob-store.ts';

/** The attachment store the configuration names; `check` proves at start-up that it can be used. */
export function blobStoreFor(config: Config): BlobStore & { check(): Promise<void> } {
  if (config.CIVICGRID_STORAGE === 's3') {
    return createS3BlobStore({
      endpoint: config.S3_ENDPOINT!,
      bucket: config.S3_BUCKET!,
      region: config.S3_REGION,
      accessKeyId: config.S3_ACCESS_KEY_ID!,
      secretAccessKey: config.S3_SECRET_ACCESS_KEY!,
      pathStyle: config.S3_PATH_STYLE,
    });
  }
  return { ...createLocalBlobStore(join(config.CIVICGRID_DATA_DIR, 'attachments')), check: async () => {} };
}
