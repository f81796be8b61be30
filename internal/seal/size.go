package seal

// EncryptedSize returns the size of the object that seals plaintext bytes
// in chunks of chunkSize, or -1 if plaintext is negative, chunkSize is
// outside MinChunkSize..MaxChunkSize, or the object would need more than
// 2^32 chunks. Each chunk adds a 16-byte tag; an empty plaintext still has
// one (empty) chunk.
func EncryptedSize(plaintext int64, chunkSize int) int64 {
	if plaintext < 0 || checkChunkSize(chunkSize) != nil {
		return -1
	}
	cs := int64(chunkSize)
	chunks := plaintext / cs
	if plaintext%cs != 0 || plaintext == 0 {
		chunks++
	}
	if chunks-1 > maxChunkIndex {
		return -1
	}
	return HeaderSize + plaintext + chunks*tagSize
}
