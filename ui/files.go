package ui

import (
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
)

// chooseSavePath asks where to save a file, starting in the last folder
// used, and calls then with the path.
func (w *MainWindow) chooseSavePath(name string, exts []string, then func(path string)) {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil {
			w.showError(err)
			return
		}
		if wc == nil {
			return // cancelled
		}
		path := wc.URI().Path()
		wc.Close()
		os.Remove(path) // the dialog creates it empty; our writers replace it atomically
		w.rememberFolder(filepath.Dir(path))
		then(path)
	}, w.Window)
	d.SetFileName(name)
	if len(exts) > 0 {
		d.SetFilter(storage.NewExtensionFileFilter(exts))
	}
	w.startIn(d)
	d.Resize(fyne.NewSize(900, 600))
	w.showDialog(d)
}

// chooseOpenPath asks for a file to open.
func (w *MainWindow) chooseOpenPath(exts []string, then func(path string)) {
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			w.showError(err)
			return
		}
		if rc == nil {
			return // cancelled
		}
		path := rc.URI().Path()
		rc.Close()
		w.rememberFolder(filepath.Dir(path))
		then(path)
	}, w.Window)
	d.SetFilter(storage.NewExtensionFileFilter(exts))
	w.startIn(d)
	d.Resize(fyne.NewSize(900, 600))
	w.showDialog(d)
}

// chooseFolder asks for a folder.
func (w *MainWindow) chooseFolder(then func(dir string)) {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil {
			w.showError(err)
			return
		}
		if u == nil {
			return
		}
		w.rememberFolder(u.Path())
		then(u.Path())
	}, w.Window)
	w.startIn(d)
	d.Resize(fyne.NewSize(900, 600))
	w.showDialog(d)
}

func (w *MainWindow) startIn(d *dialog.FileDialog) {
	dir := w.app.Preferences().String(prefLastFolder)
	if dir == "" {
		dir, _ = os.UserHomeDir()
	}
	if u, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
		d.SetLocation(u)
	}
}

func (w *MainWindow) rememberFolder(dir string) {
	w.app.Preferences().SetString(prefLastFolder, dir)
}
