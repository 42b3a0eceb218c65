package cli

import (
	"fmt"
	"strings"

	"qmdesk/data"
)

// unit keeps the province's municipalities (เทศบาลนคร / เทศบาลเมือง), the
// responsible units the letter names beside the amphoe:
//
//	qmdesk unit [list]
//	qmdesk unit add --name N --type นคร|เมือง [--tambon T,T] [--partly T,T]
//	qmdesk unit edit NAME [--name N] [--type …] [--tambon T,T] [--partly T,T]
//	qmdesk unit remove NAME
//
// A tambon is its 6-digit code, its name, or "อำเภอ/ตำบล" where the name
// is shared by tambon of several amphoe.
func (c *command) unit(args []string) error {
	sub, args := subcommand(args)
	switch sub {
	case "", "list":
		return c.unitList(args)
	case "add":
		return c.unitAdd(args)
	case "edit":
		return c.unitEdit(args)
	case "remove":
		return c.unitRemove(args)
	}
	return usageError{fmt.Sprintf("ไม่รู้จักคำสั่ง unit %s (ใช้ได้: unit, unit add, unit edit, unit remove)", sub)}
}

func (c *command) unitList(args []string) error {
	fs, db := c.flags("unit")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	s, _, err := c.openProvince(*db, true)
	if err != nil {
		return err
	}
	defer s.Close()
	l, err := s.Units(c.ctx)
	if err != nil {
		return err
	}
	if len(l) == 0 {
		fmt.Fprintf(c.env.Stdout, "ยังไม่มี%sในรายการ (เพิ่มด้วย qmdesk unit add)\n", data.WordMunicipality.Thai)
		return nil
	}
	rows := [][]string{{data.WordMunicipality.Thai, "ประเภท", "อยู่ในเขต" + data.WordFullyCovered.Thai, "อยู่ในเขต" + data.WordPartlyCovered.Thai}}
	for _, u := range l {
		var full, part []string
		for _, t := range u.Tambons {
			name := c.tambonName(t.Code)
			if t.Full {
				full = append(full, name)
			} else {
				part = append(part, name)
			}
		}
		rows = append(rows, []string{u.Name, u.Type.Term().Thai, strings.Join(full, ", "), strings.Join(part, ", ")})
	}
	printTable(c.env.Stdout, rows)
	return nil
}

// tambonName is "ต.X อ.Y" of a tambon code.
func (c *command) tambonName(code string) string {
	t, ok := c.env.Geo.Tambon(code)
	if !ok {
		return code
	}
	a, _ := c.env.Geo.Amphoe(code[:4])
	return "ต." + t.Thai + " อ." + a.Thai
}

// unitFlags are the fields of add and edit.
type unitFlags struct {
	name, typ, tambon, partly *string
}

func (c *command) unitFlagSet(name string) (*unitFlags, func([]string) ([]string, error), *string) {
	fs, db := c.flags(name)
	f := &unitFlags{
		name:   fs.String("name", "", "ชื่อ เช่น \""+data.WordCityMunicipality.Thai+"อุดรธานี\""),
		typ:    fs.String("type", "", "ประเภท: นคร หรือ เมือง"),
		tambon: fs.String("tambon", "", "ตำบลที่อยู่ในเขต"+data.WordFullyCovered.Thai+" (ชื่อหรือรหัส คั่นด้วย ,)"),
		partly: fs.String("partly", "", "ตำบลที่อยู่ในเขต"+data.WordPartlyCovered.Thai+" (ชื่อหรือรหัส คั่นด้วย ,)"),
	}
	return f, func(args []string) ([]string, error) { return parseAny(fs, args) }, db
}

// tambons reads a list of tambon of the province.
func (c *command) tambons(province, list string, full bool) ([]data.UnitTambon, error) {
	var out []data.UnitTambon
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		var p data.Place
		var err error
		if a, t, ok := strings.Cut(s, "/"); ok {
			var amphoe data.Place
			if amphoe, err = c.env.Geo.FindAmphoe(province, a); err == nil {
				p, err = c.env.Geo.FindTambon(amphoe.Code, t)
			}
		} else if _, known := c.env.Geo.Tambon(s); known && strings.HasPrefix(s, province) {
			p, _ = c.env.Geo.Tambon(s)
		} else {
			p, err = c.env.Geo.FindTambonInProvince(province, s)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, data.UnitTambon{Code: p.Code, Full: full})
	}
	return out, nil
}

// apply sets the fields given on the command line.
func (c *command) applyUnit(u *data.Unit, f *unitFlags, province string) error {
	if *f.name != "" {
		u.Name = *f.name
	}
	if *f.typ != "" {
		t, ok := data.ParseUnitType(*f.typ)
		if !ok {
			return usageError{fmt.Sprintf("--type ต้องเป็น นคร หรือ เมือง (ไม่ใช่ '%s')", *f.typ)}
		}
		u.Type = t
	}
	if *f.tambon != "" || *f.partly != "" {
		full, err := c.tambons(province, *f.tambon, true)
		if err != nil {
			return err
		}
		part, err := c.tambons(province, *f.partly, false)
		if err != nil {
			return err
		}
		u.Tambons = append(full, part...)
	}
	return nil
}

func (c *command) unitAdd(args []string) error {
	f, parseArgs, db := c.unitFlagSet("unit add")
	pos, err := parseArgs(args)
	if err != nil {
		return err
	}
	if len(pos) != 0 || *f.name == "" || *f.typ == "" || (*f.tambon == "" && *f.partly == "") {
		return usageError{"ระบุ --name, --type และ --tambon หรือ --partly เช่น qmdesk unit add --name \"" + data.WordCityMunicipality.Thai + "อุดรธานี\" --type นคร --tambon หมากแข้ง"}
	}
	s, m, err := c.openProvince(*db, false)
	if err != nil {
		return err
	}
	defer s.Close()
	l, err := s.Units(c.ctx)
	if err != nil {
		return err
	}
	var u data.Unit
	if err := c.applyUnit(&u, f, m.Province); err != nil {
		return err
	}
	l = append(l, u)
	if err := l.Validate(c.env.Geo, m.Province); err != nil {
		return err
	}
	if err := s.SetUnits(c.ctx, l); err != nil {
		return err
	}
	fmt.Fprintf(c.env.Stdout, "เพิ่ม %s (%s) แล้ว: %d ตำบล\n", data.CleanText(u.Name), u.Type.Term().Thai, len(u.Tambons))
	return nil
}

func (c *command) unitEdit(args []string) error {
	f, parseArgs, db := c.unitFlagSet("unit edit")
	pos, err := parseArgs(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"ระบุชื่อที่จะแก้ไข เช่น qmdesk unit edit \"" + data.WordTownMunicipality.Thai + "หนองสำโรง\" --partly หนองสำโรง"}
	}
	return c.changeUnits(*db, pos[0], func(l data.UnitList, i int, province string) (data.UnitList, string, error) {
		if err := c.applyUnit(&l[i], f, province); err != nil {
			return nil, "", err
		}
		return l, fmt.Sprintf("แก้ไข %s แล้ว", data.CleanText(l[i].Name)), nil
	})
}

func (c *command) unitRemove(args []string) error {
	fs, db := c.flags("unit remove")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	return c.changeUnits(*db, pos[0], func(l data.UnitList, i int, _ string) (data.UnitList, string, error) {
		name := l[i].Name
		return append(l[:i:i], l[i+1:]...), fmt.Sprintf("ลบ %s ออกจากรายการแล้ว", name), nil
	})
}

// changeUnits finds the unit named, changes the list and stores it.
func (c *command) changeUnits(db, name string, change func(l data.UnitList, i int, province string) (data.UnitList, string, error)) error {
	s, m, err := c.openProvince(db, false)
	if err != nil {
		return err
	}
	defer s.Close()
	l, err := s.Units(c.ctx)
	if err != nil {
		return err
	}
	u, ok := l.Find(name)
	if !ok {
		return data.Errorf(data.ENOTFOUND, "ไม่พบ '%s' ในรายการ (ดู qmdesk unit)", "no municipality %q", data.CleanText(name))
	}
	i := 0
	for l[i].Name != u.Name {
		i++
	}
	l, msg, err := change(l, i, m.Province)
	if err != nil {
		return err
	}
	if err := l.Validate(c.env.Geo, m.Province); err != nil {
		return err
	}
	if err := s.SetUnits(c.ctx, l); err != nil {
		return err
	}
	fmt.Fprintln(c.env.Stdout, msg)
	return nil
}
