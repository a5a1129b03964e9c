#!/usr/bin/env node
console.log("drydock");
