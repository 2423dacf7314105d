export { openObjectStore, type ObjectInfo, type ObjectStore, type ObjectStoreOptions } from './object-store.js';
export { DiskObjectStore } from './disk-store.js';
export { S3ObjectStore, parseS3Url, type S3Location, type S3StoreOptions } from './s3-store.js';
export { ObjectStoreError, ObjectNotFoundError, StoreUnavailableError, InvalidKeyError, type ObjectStoreErrorCode } from './errors.js';
export { blobKey, validateKey, validatePrefix, MAX_KEY_LENGTH } from './keys.js';
