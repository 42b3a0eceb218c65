package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"qmdesk/data"
)

// householdUnit is the household page's line on its municipality: the
// unit it belongs to, and, in a tambon a municipality covers only partly,
// the clerk's choice (saved at once, audited).
type householdUnit struct {
	Box    *fyne.Container
	Label  *widget.Label  // "เทศบาล: …" (or in none)
	Choice *widget.Select // a partly covered tambon only: none or one of the units covering it
	units  []data.Unit    // Choice's options after the first (none)
	busy   bool           // filling Choice: its change is not the clerk's
}

func newHouseholdUnit(p *householdPage) *householdUnit {
	u := &householdUnit{Label: widget.NewLabel("")}
	u.Choice = newSelect(p.w.t, nil, func(string) { p.onUnitChoice() })
	// The choice takes a width of its own: its names are never cut.
	u.Box = container.NewHBox(u.Label, container.NewGridWrap(fyne.NewSize(300, u.Choice.MinSize().Height), u.Choice))
	u.Box.Hide()
	return u
}

// showUnit fills the line for the household shown; nothing shows in a
// province without municipalities.
func (p *householdPage) showUnit() {
	t, u, h := p.w.t, p.Unit, p.Household
	units := p.view.units // read with the household, off the UI thread
	if len(units) == 0 {
		u.Box.Hide()
		return
	}
	u.Box.Show()
	name := units.Name(h.Unit)
	if name == "" {
		name = t.term(data.WordNoUnit)
	}
	u.Label.SetText(t.term(data.WordMunicipality) + ": " + name)
	u.units = units.PartlyCovering(h.TambonCode)
	if len(u.units) == 0 {
		u.Choice.Hide()
		return
	}
	u.busy = true
	defer func() { u.busy = false }()
	opts := []string{t.term(data.WordNoUnit)}
	sel := opts[0]
	for _, x := range u.units {
		opts = append(opts, x.Name)
		if x.Code == h.Unit {
			sel = x.Name
		}
	}
	u.Choice.SetOptions(opts)
	u.Choice.SetSelected(sel)
	u.Choice.Show()
}

// onUnitChoice stores the clerk's choice of municipality for a household
// of a partly covered tambon; a household changed since the page read it
// is read again, with the notice of who changed it (showStale).
func (p *householdPage) onUnitChoice() {
	u := p.Unit
	if u.busy || p.Household.ID == 0 {
		return
	}
	code := ""
	if i := u.Choice.SelectedIndex(); i > 0 && i <= len(u.units) {
		code = u.units[i-1].Code
	}
	if code == p.Household.Unit {
		return
	}
	// h is the household as the page read it (its UpdatedAt too): the
	// store refuses the choice if someone changed the household since.
	h := p.Household
	h.Unit = code
	w := p.w
	u.Choice.Disable()
	var cur data.Household // as stored now, when refused as stale
	var curErr error
	w.save(nil, func(ctx context.Context) error {
		err := w.store.UpdateHousehold(ctx, &h)
		if _, stale := data.StaleOf(err); stale {
			cur, curErr = w.store.Household(ctx, h.ID)
		}
		return err
	}, func(err error) {
		u.Choice.Enable()
		if _, stale := data.StaleOf(err); stale {
			t := w.t
			now := ""
			if curErr == nil {
				now = t.tr("ในโปรแกรมตอนนี้: ", "In qmdesk now: ") + p.unitName(cur.Unit) + t.changedBy(cur.ChangedBy, cur.UpdatedAt)
			}
			p.showStale(err, t.term(data.WordMunicipality)+t.tr("ที่คุณเลือก (ยังไม่ได้บันทึก): ", " you chose (not saved): ")+p.unitName(code), now)
			p.showUnit()
			if p.Household.ID == h.ID {
				p.reload()
			}
			w.registerChanged(registerChange{Household: h.ID})
			return
		}
		if err != nil {
			w.showError(err)
			p.showUnit() // the choice shows the household's municipality as stored
			return
		}
		if p.Household.ID == h.ID {
			p.Household = h
			p.showUnit()
		}
		w.registerChanged(registerChange{Household: h.ID})
	})
}
