// Package s3api serves coffer's datasets over a subset of the Amazon S3
// REST API, so that existing tools (awscli, boto3, anything on an AWS SDK)
// read and write the vault unchanged: ListBuckets, ListObjectsV2,
// HeadObject, GetObject (with Range), PutObject, DeleteObject and
// multipart uploads, path-style and host-style, signed with AWS Signature
// Version 4 (header or presigned URL).
//
// A bucket is a namespace: the object KEY in bucket B is the dataset named
// "B/KEY", so every object is a dataset whose name obeys vault.CheckName.
// Access key ids are coffer API key ids; the key's principal is the caller
// and the key's purposes bound what it may read (see docs/s3.md).
//
// # Security
//
// Every request is authenticated (SigV4 with an API key, or a verified
// client certificate); anonymous requests get AccessDenied. Reads go
// through the same Backend.Open as the REST API, so the same
// authorization and views apply, and a denied read returns an S3 XML
// AccessDenied error and no data. Multipart parts are spooled to files of
// mode 0600 in a directory of mode 0700, sealed (AES-256-GCM, coffer.seal
// format) under a random key held only in memory: a crash loses
// unfinished uploads and leaves only ciphertext behind.
package s3api
