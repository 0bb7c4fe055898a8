// Package hardware holds device drivers (scales, scanners, label printers)
// behind small interfaces, with simulators that speak the same bytes. Each
// protocol family gets its own subpackage; see ../shared/hardware.md.
package hardware
