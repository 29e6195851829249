use super::coded_enum;

coded_enum! {
    /// What a person does in the program, which decides what they may see.
    Role ("role") {
        Client = "client" => "Client",
        CaseManager = "case_manager" => "Case manager",
        Admin = "admin" => "Administrator",
        Supporter = "supporter" => "Supporter",
    }
}
