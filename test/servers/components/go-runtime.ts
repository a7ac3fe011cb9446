// The Go runtime settings of the control plane (etcd, kube-apiserver,
// controller-manager, scheduler, kwok), as large clusters run them. At its
// default (GOGC=100) the garbage collector's marking took about 16 % of the
// API server's CPU in the operator benchmark (decoding, managed-fields
// merging and watch fan-out allocate a lot over a small live heap); with
// GOGC=400 the heap grows to five times the live set between collections, a
// quarter as many, and marking took 5 %. GOMEMLIMIT caps that growth (the
// collector works harder near the limit rather than let the process pass it),
// so four engineers' server sets still fit the machine.
export function goRuntime(memoryLimit: string): Readonly<Record<string, string>> {
  return { GOGC: '400', GOMEMLIMIT: memoryLimit };
}
