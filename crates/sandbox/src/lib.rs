//! Local stand-ins for Salesforce and Marketo, and the harness that starts them with the Actions service.
