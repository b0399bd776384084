
class P extends AudioWorkletProcessor {
  constructor(){ super(); this.n=0; this.times=[];
    const g = globalThis;
    const info = { hasPerformance: typeof g.performance, perfNow: typeof g.performance?.now, dateNow: Date.now(),
      keys: Object.getOwnPropertyNames(g).filter(k=>/perf|time|clock|Date/i.test(k)), currentTime, sampleRate,
      sab: typeof SharedArrayBuffer, atomicsWait: typeof Atomics.wait };
    // resolution: distinct increments
    if (g.performance?.now) { let a=performance.now(), d=[]; for(let i=0;i<200000 && d.length<20;i++){const b=performance.now(); if(b!==a){d.push(b-a);a=b;}} info.perfSteps=d; }
    { let a=Date.now(), d=[]; for(let i=0;i<2e7 && d.length<5;i++){const b=Date.now(); if(b!==a){d.push(b-a);a=b;}} info.dateSteps=d; }
    this.port.postMessage(info);
  }
  process(i,o){ this.n++; if (this.n%375===0) this.port.postMessage({n:this.n, t: globalThis.performance?.now?.() ?? Date.now(), ct: currentTime}); return true; }
}
registerProcessor('probe', P);