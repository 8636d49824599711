//! Reads invite spreadsheets: encoding, delimiter, header, mapping, cleaning, validation.
