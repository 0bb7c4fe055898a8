package sqlite

import (
	"crypto/sha256"
	"encoding/binary"
	"strconv"

	"depot/app"
)

// chainInput is the content of a movement that its hash covers. Every field
// is written with its length (strings) or as a varint (numbers), so no two
// different movements serialize alike.
type chainInput struct {
	ID          int64
	Kind        string
	Key         string
	RequestHash []byte
	RefType     string
	RefID       string
	Reason      string
	Note        string
	Reverses    int64
	UserID      int64
	PostedAt    int64
	EffectiveAt int64
	// Legs is the legs in id order as "variant,location,lot,qty" joined by
	// ";" (lot 0 for none): the form verify's SQL builds with group_concat.
	Legs string
}

// chainHash returns SHA-256(prev || content).
func chainHash(buf []byte, prev []byte, in *chainInput) ([32]byte, []byte) {
	b := append(buf[:0], prev...)
	b = binary.AppendVarint(b, in.ID)
	for _, s := range [...]string{in.Kind, in.Key, string(in.RequestHash), in.RefType, in.RefID, in.Reason, in.Note} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for _, n := range [...]int64{in.Reverses, in.UserID, in.PostedAt, in.EffectiveAt} {
		b = binary.AppendVarint(b, n)
	}
	b = binary.AppendUvarint(b, uint64(len(in.Legs)))
	b = append(b, in.Legs...)
	return sha256.Sum256(b), b
}

// legsText renders legs the way verify's group_concat does.
func legsText(legs []app.Leg) string {
	b := make([]byte, 0, 32*len(legs))
	for i, l := range legs {
		if i > 0 {
			b = append(b, ';')
		}
		b = strconv.AppendInt(b, l.VariantID, 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, l.LocationID, 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, l.LotID, 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, l.Qty, 10)
	}
	return string(b)
}
