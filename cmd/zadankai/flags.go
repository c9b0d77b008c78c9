package main

import (
	"flag"
	"io"
	"strconv"
)

// serveFlagValues holds the flags of `serve`; names mirror LiveKit
// server's where the meaning is the same.
type serveFlagValues struct {
	config, bind, nodeIP, keys, dataDir, mongoURI, logLevel, logFormat string
	port, udpPort, tcpPort                                             int
	dev, demo                                                          bool
}

func serveFlags() (*flag.FlagSet, *serveFlagValues) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are returned and printed once by main
	v := &serveFlagValues{}
	fs.StringVar(&v.config, "config", "", "YAML configuration file (see configs/zadankai.yaml)")
	fs.StringVar(&v.bind, "bind", "", "IP address to listen on for HTTP and WebSocket (default 127.0.0.1)")
	fs.IntVar(&v.port, "port", 0, "HTTP and WebSocket port (default 7880)")
	fs.StringVar(&v.nodeIP, "node-ip", "", "IP address advertised in ICE candidates")
	fs.IntVar(&v.udpPort, "udp-port", 0, "single UDP port for ICE and media (default 7882)")
	fs.IntVar(&v.tcpPort, "tcp-port", 0, "TCP port for ICE over TCP, 0 = off (default 7881)")
	fs.StringVar(&v.keys, "keys", "", `API keys, "key: secret" (comma or newline separated)`)
	fs.BoolVar(&v.dev, "dev", false, "development mode: API key devkey, secret secret (never in production)")
	fs.StringVar(&v.dataDir, "data-dir", "", "directory of the embedded SQLite database (default ./data)")
	fs.StringVar(&v.mongoURI, "mongo-uri", "", "MongoDB connection string; when set, MongoDB is the store")
	fs.BoolVar(&v.demo, "demo", false, "seed demo companies and members")
	fs.StringVar(&v.logLevel, "log-level", "", "debug, info, warn or error")
	fs.StringVar(&v.logFormat, "log-format", "", "text or json")
	return fs, v
}

// apply copies the flag named name, which was set on the command line,
// into cfg (or keys).
func (v *serveFlagValues) apply(name string, cfg *Config, keys *string) {
	switch name {
	case "bind":
		cfg.Server.Bind = v.bind
	case "port":
		cfg.Server.Port = v.port
	case "node-ip":
		cfg.RTC.NodeIP = v.nodeIP
	case "udp-port":
		cfg.RTC.UDPPort = v.udpPort
	case "tcp-port":
		cfg.RTC.TCPPort = v.tcpPort
	case "keys":
		*keys = v.keys
	case "dev":
		cfg.Dev = v.dev
	case "data-dir":
		cfg.Storage.DataDir = v.dataDir
	case "mongo-uri":
		cfg.Storage.MongoURI = v.mongoURI
	case "demo":
		cfg.Demo = v.demo
	case "log-level":
		cfg.Log.Level = v.logLevel
	case "log-format":
		cfg.Log.Format = v.logFormat
	}
}

// usageFlags renders the flag list for `zadankai help serve`.
func usageFlags(w io.Writer) {
	fs, _ := serveFlags()
	fs.VisitAll(func(f *flag.Flag) {
		def := ""
		if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); !isBool {
			def = " " + strconv.Quote(f.DefValue)
			if f.DefValue == "" || f.DefValue == "0" {
				def = " VALUE"
			}
		}
		io.WriteString(w, "  --"+f.Name+def+"\n        "+f.Usage+"\n")
	})
}
