// Package disk is the blob.Store of the embedded default: objects are files
// under one directory, at the path their key names.
//
//	d, err := disk.New(dir)   // dir is created with mode 0700
//	n, err := d.Put(ctx, "ab/cd", r)
//
// Put streams into ".tmp-<random>" beside the final name, fsyncs it,
// publishes it with link(2) (which fails if the key exists, so an object is
// never replaced), removes the temporary name and fsyncs the directories it
// changed. A crash leaves either nothing, a complete object, or a temporary
// leftover that List reports with Temp set and Delete removes.
//
// A key is a file path, so on disk one key cannot be both an object and a
// prefix of another ("a" and "a/b"); Put refuses the second of the two.
//
// # Security
//
// Keys are checked with blob.CheckKey before they touch the filesystem, and
// every file operation goes through an os.Root opened on dir, so no key and
// no symbolic link planted inside dir reaches a file outside it. Files are
// created 0600 and directories 0700 (less any umask bits).
//
// disk does not authenticate or encrypt: it stores what it is given (seal
// ciphertext) and returns it as read. It does not protect against other
// processes of the same user, nor against someone with access to the
// directory replacing files; seal detects such changes when reading.
package disk
