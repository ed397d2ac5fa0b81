package tokenize

// The special tokens have fixed ids in every vocabulary.
const (
	// PadID is the id of PadToken, the padding token.
	PadID = 0
	// UnkID is the id of UnkToken. Byte-level tokenizers never produce it.
	UnkID = 1
	// BOSID is the id of BOSToken, which starts a sentence.
	BOSID = 2
	// EOSID is the id of EOSToken, which ends a sentence.
	EOSID = 3

	// NumSpecial is the number of special tokens; ordinary ids start here.
	NumSpecial = 4
)

// The special tokens as written in tokenizer files.
const (
	// PadToken is the padding token.
	PadToken = "<pad>"
	// UnkToken is the unknown token.
	UnkToken = "<unk>"
	// BOSToken is the beginning-of-sentence token.
	BOSToken = "<s>"
	// EOSToken is the end-of-sentence token.
	EOSToken = "</s>"
)

// specialTokens returns the special tokens in id order.
func specialTokens() [NumSpecial]string {
	return [NumSpecial]string{PadToken, UnkToken, BOSToken, EOSToken}
}

// IsSpecial reports whether id is one of the special ids PadID, UnkID,
// BOSID and EOSID.
func IsSpecial(id int) bool { return id >= 0 && id < NumSpecial }
