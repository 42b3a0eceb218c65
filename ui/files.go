package ui

// rememberFolder keeps the folder the clerk last chose, where the next
// file chooser starts.
func (w *MainWindow) rememberFolder(dir string) {
	w.app.Preferences().SetString(prefLastFolder, dir)
}
