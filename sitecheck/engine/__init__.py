"""The site checker proper: rules, fetching, parsing, analysis. No Django imports."""
