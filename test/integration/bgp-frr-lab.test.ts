// Herald's own BGP and BFD against a real FRR router, standalone speakers reading files (the
// suite: test/support/bgp-frr-suite.ts; the Kubernetes-mode run: k8s-lab-bgp.test.ts).
import { describeBgpAgainstFrr } from '../support/bgp-frr-suite.js';

describeBgpAgainstFrr({ name: 'BGP and BFD against FRR', letter: 'b', k8s: false });
