package postgres

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"qmdesk/data"
)

// connectError tells the clerk why the server could not be reached or
// refused her, in words she can act on: type the password again, or
// tell the office's IT (ผู้ดูแลระบบ) what to fix on the server.
func connectError(cfg *pgxpool.Config, err error) error {
	host, user := cfg.ConnConfig.Host, cfg.ConnConfig.User
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "28P01":
			// The server answers the same for a role that does not exist.
			return &data.Error{Code: data.EINVALID, Message: "รหัสผ่านไม่ถูกต้อง (ชื่อผู้ใช้ " + user + " เซิร์ฟเวอร์ " + host + ") กรุณาพิมพ์รหัสผ่านใหม่ ถ้ายังเข้าไม่ได้ กรุณาติดต่อผู้ดูแลระบบเพื่อตรวจสอบชื่อผู้ใช้และรหัสผ่าน",
				English: "the database server " + host + " refused the password of " + user, Err: err}
		case pe.Code == "28000" && strings.Contains(pe.Message, "no encryption"):
			return &data.Error{Code: data.EINVALID, Message: "เซิร์ฟเวอร์ฐานข้อมูล " + host + " รับเฉพาะการเชื่อมต่อแบบเข้ารหัส (TLS) แต่ที่อยู่ฐานข้อมูลที่ตั้งไว้ปิดการเข้ารหัส (sslmode=disable) กรุณาลบ sslmode=disable ออกจากที่อยู่ หรือติดต่อผู้ดูแลระบบ",
				English: "the database server " + host + " accepts only encrypted connections", Err: err}
		case pe.Code == "28000":
			return &data.Error{Code: data.EINVALID, Message: "เซิร์ฟเวอร์ฐานข้อมูล " + host + " ไม่อนุญาตให้ชื่อผู้ใช้ " + user + " เชื่อมต่อจากเครื่องนี้ กรุณาติดต่อผู้ดูแลระบบให้เพิ่มสิทธิ์ในไฟล์ pg_hba.conf ของเซิร์ฟเวอร์",
				English: "the database server " + host + " does not let " + user + " connect from this computer (pg_hba.conf)", Err: err}
		case pe.Code == "3D000":
			return &data.Error{Code: data.EINVALID, Message: "ไม่พบฐานข้อมูล " + cfg.ConnConfig.Database + " บนเซิร์ฟเวอร์ " + host + " กรุณาตรวจสอบชื่อฐานข้อมูลในที่อยู่ หรือติดต่อผู้ดูแลระบบ",
				English: "the database " + cfg.ConnConfig.Database + " does not exist on " + host, Err: err}
		}
	}
	if isCertificateError(err) {
		return &data.Error{Code: data.EINVALID, Message: "ตรวจสอบใบรับรอง (certificate) ของเซิร์ฟเวอร์ฐานข้อมูล " + host + " ไม่ผ่าน การเชื่อมต่ออาจไม่ได้ไปถึงเซิร์ฟเวอร์ของสำนักงานจริง โปรแกรมจึงไม่ส่งรหัสผ่าน กรุณาแจ้งผู้ดูแลระบบ (ใบรับรองหมดอายุ ไม่ตรงกับชื่อเซิร์ฟเวอร์ หรือไฟล์ใบรับรองหลักไม่ถูกต้อง)",
			English: "the database server " + host + " presented a certificate that does not verify", Err: err}
	}
	if strings.Contains(err.Error(), "server refused TLS connection") {
		return &data.Error{Code: data.EINVALID, Message: "เซิร์ฟเวอร์ฐานข้อมูล " + host + " ไม่รองรับการเชื่อมต่อแบบเข้ารหัส (TLS) ซึ่งจำเป็นเมื่อเชื่อมต่อผ่านเครือข่าย เพื่อไม่ให้รหัสผ่านและข้อมูลครัวเรือนถูกดักอ่าน กรุณาแจ้งผู้ดูแลระบบให้เปิด ssl บนเซิร์ฟเวอร์",
			English: "the database server " + host + " refused TLS, which a connection over the network requires", Err: err}
	}
	return &data.Error{Code: data.EINVALID, Message: "เชื่อมต่อเซิร์ฟเวอร์ฐานข้อมูล " + host + " ไม่ได้ กรุณาตรวจสอบที่อยู่ของเซิร์ฟเวอร์ การเชื่อมต่อเครือข่าย และว่าเซิร์ฟเวอร์เปิดอยู่ หรือแจ้งผู้ดูแลระบบ",
		English: "cannot connect to the database server " + host, Err: err}
}

// isCertificateError tells whether err is the server's certificate
// failing the check (unknown authority, wrong name, expired).
func isCertificateError(err error) bool {
	var ve *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	var ci x509.CertificateInvalidError
	return errors.As(err, &ve) || errors.As(err, &ua) || errors.As(err, &he) || errors.As(err, &ci)
}
