/** Every way an image file can be wrong, as a stable code a runner can map to exit 2 and a user can act on. */
export type ImageErrorCode =
  | 'image_truncated'
  | 'image_bad_magic'
  | 'image_bad_segment_count'
  | 'image_segment_overrun'
  | 'image_wrong_chip'
  | 'image_bad_checksum'
  | 'image_bad_sha256'
  | 'image_no_app_desc'
  | 'image_too_large'
  | 'partition_bad_magic'
  | 'partition_bad_md5'
  | 'partition_no_md5'
  | 'partition_too_many'
  | 'partition_overlap'
  | 'partition_no_app'
  | 'otadata_bad_size';

export class ImageError extends Error {
  override readonly name = 'ImageError';
  constructor(
    readonly code: ImageErrorCode,
    message: string,
  ) {
    super(message);
  }
}
