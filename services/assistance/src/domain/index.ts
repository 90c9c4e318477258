/**
 * The pure domain of the social-assistance (社会救助) service: no I/O. See README.md in this folder
 * for the rules each module implements and the decisions taken.
 */
export * from './errors.js';
export * from './dates.js';
export * from './money.js';
export * from './standards.js';
export * from './household.js';
export * from './eligibility.js';
export * from './dibao-payment.js';
export * from './application-workflow.js';
export * from './enrolment.js';
