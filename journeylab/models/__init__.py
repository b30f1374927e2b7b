"""Models layer: customer summaries in lifetimes' terms and the models fitted on them (BG/NBD, MBG/NBD,
Pareto/NBD, Gamma-Gamma, CLV, churn, RFM, fit checks). Imports only journeylab.data and the base modules."""
