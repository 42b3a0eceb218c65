package app

import (
	"context"

	"qmdesk/data"
)

// UnmaskRights is what a store that knows who may see whole national IDs
// answers: the PostgreSQL store, from the clerk's database role (a
// member of qmdesk_unmask or not). A store without it (the bbolt file:
// one clerk on her own PC) lets every unmask through.
type UnmaskRights interface {
	MayUnmask(ctx context.Context) (bool, error)
}

// AuditLog is what an unmask needs of the store: its audit log.
type AuditLog interface {
	Log(ctx context.Context, op, entity string, id uint64, note string) error
}

// OpUnmaskRefused is the audit log's operation for an unmask the store
// refused; the entry's entity, ID and note are the unmask's.
const OpUnmaskRefused = "unmask-refused"

// errUnmaskRefused is the clerk's message when her account may not unmask.
func errUnmaskRefused() error {
	return data.Errorf(data.EINVALID, "บัญชีของคุณไม่มีสิทธิ์ดูเลขประจำตัวประชาชนเต็ม กรุณาติดต่อผู้ดูแลระบบ",
		"this account may not see whole national IDs")
}

// MayUnmask asks store, if it knows (UnmaskRights), whether the clerk may
// see whole national IDs. When it says no, the refusal is logged
// (OpUnmaskRefused, with entity, id and note as the unmask would have
// been) and the error tells the clerk in Thai to ask the administrator.
// A store that cannot answer returns its error, and nothing is unmasked.
func MayUnmask(ctx context.Context, store AuditLog, entity string, id uint64, note string) error {
	r, ok := store.(UnmaskRights)
	if !ok {
		return nil
	}
	may, err := r.MayUnmask(ctx)
	if err != nil || may {
		return err
	}
	if err := store.Log(ctx, OpUnmaskRefused, entity, id, note); err != nil {
		return err
	}
	return errUnmaskRefused()
}

// Unmask logs that the clerk looked at a record's whole national ID (and
// her other personal data) on screen, once the store allowed it
// (MayUnmask): no log entry, no unmask.
func Unmask(ctx context.Context, store AuditLog, entity string, id uint64, note string) error {
	if err := MayUnmask(ctx, store, entity, id, note); err != nil {
		return err
	}
	return store.Log(ctx, "unmask", entity, id, note)
}
