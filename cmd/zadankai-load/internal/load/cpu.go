package load

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"
)

// userHZ is the unit of utime/stime in /proc/PID/stat: USER_HZ, which
// Linux fixes at 100 for user space whatever the kernel's tick.
const userHZ = 100

// processCPU returns the user+system CPU time pid has used, from
// /proc/PID/stat (fields 14 and 15, counted after the ")" that closes
// the command name, which may itself hold spaces or parentheses).
func processCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, fmt.Errorf("server CPU: %w", err)
	}
	return parseStat(b)
}

func parseStat(b []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("server CPU: malformed stat line")
	}
	f := bytes.Fields(b[i+1:])
	// f[0] is field 3 (state), so utime (14) and stime (15) are f[11], f[12].
	if len(f) < 13 {
		return 0, fmt.Errorf("server CPU: stat line has %d fields after the name", len(f))
	}
	ut, err1 := strconv.ParseUint(string(f[11]), 10, 64)
	st, err2 := strconv.ParseUint(string(f[12]), 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("server CPU: utime %q / stime %q not numbers", f[11], f[12])
	}
	return time.Duration(ut+st) * time.Second / userHZ, nil
}
